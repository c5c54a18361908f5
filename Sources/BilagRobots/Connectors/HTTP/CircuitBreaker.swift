import Foundation
import Synchronization

/// One case system's circuit breaker. After `threshold` system failures in a row it opens: requests are refused
/// without being sent until `openSeconds` have passed (or a longer `Retry-After`). Then it is half-open: one probe
/// goes through; its success closes the breaker, its failure opens it again.
public final class CircuitBreaker: Sendable {
    public enum State: String, Sendable, Codable { case closed, open, halfOpen = "half-open" }

    public let threshold: Int
    public let openSeconds: Double
    private let now: @Sendable () -> Date
    private let state = Mutex(Inner())

    private struct Inner {
        var state: State = .closed
        var failures = 0
        var openUntil: Date?
        var probing = false
        /// The case system asked not to be called before this (`Retry-After`), breaker open or not.
        var notBefore: Date?
        var lastError: String?
        var failingSince: Date?
    }

    public init(threshold: Int, openSeconds: Double, now: @escaping @Sendable () -> Date = { Date() }) {
        self.threshold = max(1, threshold); self.openSeconds = openSeconds; self.now = now
    }

    /// Whether a request may go now. Nil: yes (for a half-open breaker this call took the one probe). Else why not.
    public func permit() -> String? {
        let t = now()
        return state.withLock { s in
            if let nb = s.notBefore, t < nb { return "the case system asked not to be called before \(Self.stamp(nb))" }
            switch s.state {
            case .closed: return nil
            case .open:
                if let until = s.openUntil, t < until { return "circuit breaker open until \(Self.stamp(until)) after \(s.failures) failures (last: \(s.lastError ?? "-"))" }
                s.state = .halfOpen
                s.probing = true
                return nil
            case .halfOpen:
                if s.probing { return "circuit breaker half-open: a probe is under way" }
                s.probing = true
                return nil
            }
        }
    }

    /// A request got a usable answer (business answers included).
    public func succeeded() {
        state.withLock { s in s = Inner() }
    }

    /// A request failed as a system failure; `retryAfter` is the case system's own wish, in seconds.
    public func failed(_ error: String, retryAfter: Double? = nil) {
        let t = now()
        state.withLock { s in
            s.failures += 1
            s.lastError = error
            if s.failingSince == nil { s.failingSince = t }
            // The longest wish stands: a shorter `Retry-After` of another request in the same wave does not cut it.
            if let r = retryAfter { s.notBefore = max(s.notBefore ?? .distantPast, t.addingTimeInterval(r)) }
            if s.state == .halfOpen || s.failures >= threshold {
                s.state = .open
                s.probing = false
                s.openUntil = max(s.openUntil ?? .distantPast, t.addingTimeInterval(max(openSeconds, retryAfter ?? 0)))
            }
        }
    }

    public var current: State { state.withLock { $0.state } }
    /// When a request could next go: the end of an open period or of a `Retry-After`, nil when it may go now.
    public var notBefore: Date? {
        let t = now()
        return state.withLock { s in
            let candidates = [s.state == .open ? s.openUntil : nil, s.notBefore].compactMap { $0 }.filter { $0 > t }
            return candidates.max()
        }
    }
    public var lastError: String? { state.withLock { $0.lastError } }
    public var failingSince: Date? { state.withLock { $0.failingSince } }

    static func stamp(_ d: Date) -> String { ISO8601DateFormatter().string(from: d) }
}
