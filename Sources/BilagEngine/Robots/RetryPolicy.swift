import Foundation

/// How long an invoice waits for a case system that is down, and when it is tried again: exponential backoff from
/// `baseSeconds`, doubled up to `maxSeconds`, with ±20 % jitter so waiting invoices do not return all at once; never
/// before the case system's own `notBefore` (`Retry-After`, an open circuit breaker); and once `deadlineSeconds`
/// have passed since it started waiting, no more: it goes to manual (`case-system-unavailable`).
public struct RetryPolicy: Sendable {
    public enum Next: Equatable, Sendable {
        case retry(at: Date)
        case giveUp
    }

    public var baseSeconds: Double
    public var maxSeconds: Double
    public var deadlineSeconds: Double
    public var now: @Sendable () -> Date
    /// A factor around 1 applied to each delay.
    public var jitter: @Sendable () -> Double

    public init(baseSeconds: Double, maxSeconds: Double, deadlineSeconds: Double, now: @escaping @Sendable () -> Date = { Date() }, jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.8...1.2) }) {
        self.baseSeconds = max(0.001, baseSeconds); self.maxSeconds = max(self.baseSeconds, maxSeconds); self.deadlineSeconds = deadlineSeconds
        self.now = now; self.jitter = jitter
    }

    public init(_ config: BilagConfig, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(baseSeconds: Double(config.retryBaseSeconds), maxSeconds: Double(config.retryMaxSeconds), deadlineSeconds: Double(config.caseSystemDeadlineSeconds), now: now)
    }

    /// After a failed try of an invoice waiting since `since`. The delay doubles with each base period waited
    /// (so it needs no attempt counter); the last retry falls on the deadline itself, so the invoice gets its try
    /// there before it is given up.
    public func next(waitingSince since: Date, notBefore: Date? = nil) -> Next {
        let t = now()
        let waited = t.timeIntervalSince(since)
        guard waited < deadlineSeconds else { return .giveUp }
        let doublings = log2(max(1, waited / baseSeconds)).rounded(.down)
        let delay = min(maxSeconds, baseSeconds * pow(2, doublings)) * jitter()
        var at = t.addingTimeInterval(delay)
        if let notBefore, notBefore > at { at = notBefore }
        return .retry(at: min(at, since.addingTimeInterval(deadlineSeconds)))
    }
}
