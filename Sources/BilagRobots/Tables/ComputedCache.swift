import Synchronization

/// Values computed from immutable data, kept by key up to a limit (then nothing more is kept), shared by every copy
/// of the value that holds it and safe to use from any thread.
final class ComputedCache<K: Hashable & Sendable, V: Sendable>: Sendable {
    private let limit: Int
    private let entries = Mutex<[K: V]>([:])

    init(limit: Int) { self.limit = limit }

    func value(_ key: K) -> V? { entries.withLock { $0[key] } }

    func store(_ value: V, _ key: K) {
        entries.withLock { if $0.count < limit { $0[key] = value } }
    }
}
