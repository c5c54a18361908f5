import Foundation
import Synchronization

/// When this process first saw Inbox files whose modification time lies in the future (a sender's clock ahead, a
/// copy that kept a bad timestamp): the quiet period of such a file is counted from then, not from the mtime.
public final class FirstSeen: Sendable {
    private let seen = Mutex<[String: Date]>([:])

    public init() {}

    /// When `path` was first seen, and whether that is now (the first time: the caller logs it, once).
    public func note(_ path: String, now: Date) -> (since: Date, isNew: Bool) {
        seen.withLock { map in
            if let d = map[path] { return (d, false) }
            map[path] = now
            return (now, true)
        }
    }

    /// Forgets a path (it was claimed).
    public func forget(_ path: String) {
        _ = seen.withLock { $0.removeValue(forKey: path) }
    }
}
