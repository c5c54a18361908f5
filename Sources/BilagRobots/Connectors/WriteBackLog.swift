import BilagRobotLanguage
import Foundation
import Synchronization

/// Which values the write-backs of bookings decided so far name, per connector, and when: so an answer asked ahead
/// that a later booking's write-back may have changed is asked again at the decision.
///
/// A lookup asked ahead may be answered before an earlier invoice's booking sends its write-back (an order marked
/// invoiced): the decision would then see the record as it was. So every answer asked ahead carries the log's
/// sequence number of when it was asked, and at the decision it counts only if no write-back to that connector noted
/// since names one of its records' values (an order id, a case number); otherwise the decision asks the case system
/// itself, as it always did. A value that merely happens to be equal asks once more than needed, never less.
public final class WriteBackLog: Sendable {
    private struct State {
        var sequence: Int64 = 0
        /// Connector → value → the sequence number of the last write-back naming it.
        var latest: [String: [Value: Int64]] = [:]
        var values = 0
        /// Answers asked before this were asked before what the log forgot: they are asked again.
        var floor: Int64 = 0
    }

    private let state = Mutex(State())
    /// The most values kept before the log starts over (then every answer asked ahead before that is asked again).
    let capacity: Int

    public init(capacity: Int = 200_000) { self.capacity = capacity }

    /// Now, for an answer about to be asked.
    public var now: Int64 { state.withLock { $0.sequence } }

    /// A booking decided with these write-backs.
    public func note(_ updates: [CaseUpdate]) {
        guard !updates.isEmpty else { return }
        state.withLock { s in
            s.sequence += 1
            if s.values > capacity { s.latest = [:]; s.values = 0; s.floor = s.sequence }
            for u in updates {
                // The connector's values taken out while they are noted: each value hashed once, the connector once.
                var latest = s.latest.removeValue(forKey: u.connector) ?? [:]
                for v in u.params.values where Self.names(v) {
                    if latest.updateValue(s.sequence, forKey: v) == nil { s.values += 1 }
                }
                s.latest[u.connector] = latest
            }
        }
    }

    /// Whether a write-back to `connector` noted after `asked` names a value of these records.
    public func mayHaveChanged(_ records: [[String: Value]], connector: String, asked: Int64) -> Bool {
        state.withLock { s in
            if asked < s.floor { return true }
            guard s.sequence > asked, let latest = s.latest[connector] else { return false }
            func hit(_ v: Value) -> Bool {
                switch v {
                case let .record(r): return r.values.contains(where: hit)
                case let .list(l): return l.contains(where: hit)
                default: return Self.names(v) && (latest[v] ?? 0) > asked
                }
            }
            return records.contains { $0.values.contains(where: hit) }
        }
    }

    /// Values that can name a record (not null, not true/false).
    static func names(_ v: Value) -> Bool {
        switch v {
        case .null, .bool: return false
        default: return true
        }
    }
}
