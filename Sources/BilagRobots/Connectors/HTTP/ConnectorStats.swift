import Foundation
import Synchronization

/// What one connector has done since start: requests by result class, latency percentiles, breaker state, requests
/// in flight. Shown by `bilag status --json`; never holds a URL, a parameter or a secret.
public struct ConnectorStatsSnapshot: Sendable, Codable, Equatable {
    public var connector: String
    public var kind: String
    /// Result class → requests: `ok`, `none` (404 meaning none), `refused` (a 4xx to a write-back), `4xx`, `5xx`,
    /// `429`, `timeout`, `connect`, `tls`, `reset`, `unreadable`, `breaker-open`.
    public var requests: [String: Int]
    public var latencyMilliseconds: Latency
    public var breaker: String
    public var inFlight: Int
    public var peakInFlight: Int
    public var lastError: String?

    public struct Latency: Sendable, Codable, Equatable {
        public var p50: Double?
        public var p90: Double?
        public var p99: Double?
        public var max: Double?
    }

    enum CodingKeys: String, CodingKey {
        case connector, kind, requests, breaker
        case latencyMilliseconds = "latency_ms", inFlight = "in_flight", peakInFlight = "peak_in_flight", lastError = "last_error"
    }
}

/// The counters behind a snapshot; latencies are kept for the last 2,048 requests.
final class ConnectorStats: Sendable {
    private let state = Mutex(Inner())
    private struct Inner {
        var counts: [String: Int] = [:]
        var latencies: [Double] = []
        var next = 0
    }
    static let window = 2048

    func record(_ resultClass: String, seconds: Double?) {
        state.withLock { s in
            s.counts[resultClass, default: 0] += 1
            guard let seconds else { return }
            let ms = seconds * 1000
            if s.latencies.count < Self.window { s.latencies.append(ms) } else { s.latencies[s.next] = ms }
            s.next = (s.next + 1) % Self.window
        }
    }

    func snapshot(connector: String, breaker: CircuitBreaker, multi: CurlMulti) -> ConnectorStatsSnapshot {
        let (counts, latencies) = state.withLock { ($0.counts, $0.latencies.sorted()) }
        func pct(_ p: Double) -> Double? {
            guard !latencies.isEmpty else { return nil }
            let i = min(latencies.count - 1, Int((p * Double(latencies.count)).rounded(.up)) - 1)
            return (latencies[max(0, i)] * 10).rounded() / 10
        }
        return ConnectorStatsSnapshot(connector: connector, kind: "http", requests: counts,
                                      latencyMilliseconds: .init(p50: pct(0.5), p90: pct(0.9), p99: pct(0.99), max: latencies.last.map { ($0 * 10).rounded() / 10 }),
                                      breaker: breaker.current.rawValue, inFlight: multi.inFlight, peakInFlight: multi.peakInFlight, lastError: breaker.lastError)
    }
}
