import BilagRobotLanguage
import Foundation
import Synchronization

/// One invoice's lookups, asked of slow case systems (`AsyncConnector`s) ahead of its decision, while other invoices'
/// are asked too: so the decision on the committing thread waits on no case system.
///
/// The run ahead decides with `asking(_:)`'s connectors: an answer not here yet is noted as missing and the robot stops
/// at that step (`NotYet`); the missing lookups are sent at once (`fetch`), and the run goes again until it needs
/// nothing more. The decision itself, later, in business order, asks `answering(_:)`'s connectors: a lookup asked
/// ahead gets the answer (or the failure) it got then; one that was not (the robot took another path at the decision,
/// with history the run ahead did not see) goes to the case system then, as it always did; so does one whose records a
/// write-back decided since it was asked may have changed (`WriteBackLog`).
public final class PrefetchedLookups: Sendable {
    /// One lookup: the connector, the query and its parameters.
    public struct Key: Hashable, Sendable {
        public var connector: String
        public var query: String
        public var params: [String: Value]
        public init(connector: String, query: String, params: [String: Value]) { self.connector = connector; self.query = query; self.params = params }
    }

    /// Thrown to the run ahead by a lookup whose answer has not come yet.
    public struct NotYet: Error, CustomStringConvertible {
        public var description: String { "the answer has not come yet" }
    }

    private struct State {
        var answers: [Key: (result: Result<[[String: Value]], any Error>, asked: Int64)] = [:]
        var missing: [Key] = []
        var waitingFor = 0
    }

    private let state = Mutex(State())
    /// Lookups the decision had to ask itself (not asked ahead, or changed since).
    private let asked = Atomic<Int>(0)
    /// The write-backs decided meanwhile.
    let written: WriteBackLog

    public init(written: WriteBackLog = WriteBackLog()) { self.written = written }

    /// How many lookups were answered ahead.
    public var answered: Int { state.withLock { $0.answers.count } }
    /// How many lookups the decision asked itself, on the committing thread.
    public var askedAtDecision: Int { asked.load(ordering: .relaxed) }

    func answer(_ key: Key) -> Result<[[String: Value]], any Error>? { state.withLock { $0.answers[key]?.result } }

    /// The answer asked ahead, unless a write-back decided since may have changed it.
    func currentAnswer(_ key: Key) -> Result<[[String: Value]], any Error>? {
        guard let known = state.withLock({ $0.answers[key] }) else { return nil }
        if case let .success(records) = known.result, written.mayHaveChanged(records, connector: key.connector, asked: known.asked) { return nil }
        return known.result
    }

    func noteMissing(_ key: Key) {
        state.withLock { s in
            if s.answers[key] == nil && !s.missing.contains(key) { s.missing.append(key) }
        }
    }

    /// The lookups the last run ahead found missing (each once), forgotten here.
    public func takeMissing() -> [Key] {
        state.withLock { s in defer { s.missing = [] }; return s.missing }
    }

    /// Sends these lookups to their connectors at once (each connector keeps to its `max_in_flight`); `then` is called
    /// once, on whichever thread took the last answer, when every one has an answer or a failure.
    public func fetch(_ keys: [Key], from connectors: [String: Connector], then: @escaping @Sendable () -> Void) {
        guard !keys.isEmpty else { return then() }
        state.withLock { $0.waitingFor += keys.count }
        for key in keys {
            let now = written.now
            Task.detached { [self] in
                let result: Result<[[String: Value]], any Error>
                if let c = connectors[key.connector] as? AsyncConnector {
                    do { result = .success(try await c.lookup(query: key.query, params: key.params)) } catch { result = .failure(error) }
                } else if let c = connectors[key.connector] {
                    result = Result { try c.lookup(query: key.query, params: key.params) }
                } else {
                    result = .failure(ConnectorError.unknown(connector: key.connector, message: "not configured"))
                }
                let last = state.withLock { s -> Bool in
                    s.answers[key] = (result, now)
                    s.waitingFor -= 1
                    return s.waitingFor == 0
                }
                if last { then() }
            }
        }
    }

    /// The connectors for the run ahead: the slow ones answer from here or note the lookup missing; the others
    /// (the embedded `files`) answer as they are.
    public func asking(_ connectors: [String: Connector]) -> [String: Connector] {
        connectors.mapValues { $0 is AsyncConnector ? Asking(base: $0, lookups: self) : $0 }
    }

    /// The connectors for the decision: the slow ones answer from here where they can.
    public func answering(_ connectors: [String: Connector]) -> [String: Connector] {
        connectors.mapValues { $0 is AsyncConnector ? Answering(base: $0, lookups: self) : $0 }
    }

    /// A connector that only answers what was fetched ahead, and notes what was not.
    struct Asking: Connector {
        let base: Connector
        let lookups: PrefetchedLookups
        var name: String { base.name }
        func lookup(query: String, params: [String: Value]) throws -> [[String: Value]] {
            let key = Key(connector: base.name, query: query, params: params)
            if let known = lookups.answer(key) { return try known.get() }
            lookups.noteMissing(key)
            throw NotYet()
        }
        func send(_ update: CaseUpdate) throws { throw NotYet() }
        var notBefore: Date? { base.notBefore }
    }

    /// A connector that answers from what was fetched ahead, and asks the case system itself otherwise.
    struct Answering: Connector {
        let base: Connector
        let lookups: PrefetchedLookups
        var name: String { base.name }
        func lookup(query: String, params: [String: Value]) throws -> [[String: Value]] {
            if let known = lookups.currentAnswer(Key(connector: base.name, query: query, params: params)) { return try known.get() }
            lookups.asked.add(1, ordering: .relaxed)
            return try base.lookup(query: query, params: params)
        }
        func lookup(query: String, params: [String: Value], ignoringUpdatesOf invoiceID: String) throws -> [[String: Value]] {
            try base.lookup(query: query, params: params, ignoringUpdatesOf: invoiceID)
        }
        func send(_ update: CaseUpdate) throws { try base.send(update) }
        func send(all updates: [CaseUpdate]) throws { try base.send(all: updates) }
        var takesUpdatesTogether: Bool { base.takesUpdatesTogether }
        var notBefore: Date? { base.notBefore }
        var stats: ConnectorStatsSnapshot? { base.stats }
    }
}
