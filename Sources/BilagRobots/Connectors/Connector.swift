import BilagRobotLanguage
import Foundation

/// A case system robots look facts up in and write back to, named in configuration.
///
/// The same robot runs against local files (the embedded default) or a municipality's systems over HTTP:
/// both answer the same queries with the same record shapes.
public protocol Connector: Sendable {
    var name: String { get }
    /// Records answering `query` with `params`. An empty answer is a business answer (nothing found);
    /// a system failure throws `ConnectorError.unavailable`.
    func lookup(query: String, params: [String: Value]) throws -> [[String: Value]]
    /// Sends one update. Must be idempotent by `update.idempotencyKey`: the same key twice changes nothing twice.
    func send(_ update: CaseUpdate) throws
    /// Sends updates in order; returns normally only when every one was taken. Throwing, some may have been taken:
    /// they are sent again, and idempotency makes that harmless. A connector that can take several at once (the
    /// embedded default: one write and one sync) says so here and in `takesUpdatesTogether`; by default they go one
    /// by one.
    func send(all updates: [CaseUpdate]) throws
    /// True when `send(all:)` takes a batch as one (the sender then sends a connector's pending updates together);
    /// false when each update is its own request, whose refusal or failure the sender handles one by one.
    var takesUpdatesTogether: Bool { get }
    /// True when `send(sideBySide:)` sends many updates at once, each its own request (`http`): the sender then sends
    /// different invoices' updates side by side instead of one round trip after another.
    var sendsSideBySide: Bool { get }
    /// Sends these updates at once, each its own request; returns each one's error, or nil where it was taken.
    func send(sideBySide updates: [CaseUpdate]) -> [(any Error)?]
    /// For replays: the answer as it stood before this invoice's own updates, where the connector can tell.
    func lookup(query: String, params: [String: Value], ignoringUpdatesOf invoiceID: String) throws -> [[String: Value]]
    /// When the case system may next be asked (an open circuit breaker, a `Retry-After`); nil: now.
    var notBefore: Date? { get }
    /// What the connector has done since start, for `bilag status --json`; nil for connectors that keep no figures.
    var stats: ConnectorStatsSnapshot? { get }
    /// The case data may have changed outside this process (called between batches and passes): a connector that
    /// keeps what it read looks again at its next lookup. What this process sends it is seen at once regardless.
    func mayHaveChanged()
}

extension Connector {
    public func send(all updates: [CaseUpdate]) throws {
        for u in updates { try send(u) }
    }

    public func lookup(query: String, params: [String: Value], ignoringUpdatesOf invoiceID: String) throws -> [[String: Value]] {
        try lookup(query: query, params: params)
    }
    public var notBefore: Date? { nil }
    public var stats: ConnectorStatsSnapshot? { nil }
    public func mayHaveChanged() {}
    public var takesUpdatesTogether: Bool { false }
    public var sendsSideBySide: Bool { false }
    public func send(sideBySide updates: [CaseUpdate]) -> [(any Error)?] {
        updates.map { u in
            do { try send(u); return nil } catch { return error }
        }
    }
}

/// A connector whose requests need not hold a thread while the case system answers: the seam for deciding
/// invoices that wait on lookups concurrently, and for sending case updates from a service of their own.
public protocol AsyncConnector: Connector {
    func lookup(query: String, params: [String: Value]) async throws -> [[String: Value]]
    func send(_ update: CaseUpdate) async throws
}

/// An update to a case system, created when an invoice is booked and sent after the booking commits.
public struct CaseUpdate: Sendable, Codable, Equatable {
    public var connector: String
    public var action: String
    public var params: [String: Value]
    /// Derived from the invoice, the robot and the action: a retried or repeated write changes nothing twice.
    public var idempotencyKey: String
    public var invoiceID: String
    /// The action that reverses this update, if the robot names one (`compensate:`).
    public var compensate: String?
    /// On a compensating update: the idempotency key of the update it reverses.
    public var compensates: String?
    /// The declared type of each parameter that is a number or a date (`number`, `date`): stored, the params hold them
    /// as text, and an `http` action's body sends them again as the JSON values they are (`typedParams`).
    public var paramTypes: [String: String]?

    public init(connector: String, action: String, params: [String: Value], idempotencyKey: String, invoiceID: String) {
        self.connector = connector; self.action = action; self.params = params; self.idempotencyKey = idempotencyKey; self.invoiceID = invoiceID
        let types = params.compactMapValues { v -> String? in
            switch v {
            case .number: return "number"
            case .date: return "date"
            default: return nil
            }
        }
        paramTypes = types.isEmpty ? nil : types
    }

    enum CodingKeys: String, CodingKey {
        case connector, action, params, idempotencyKey = "idempotency_key", invoiceID = "invoice_id", compensate, compensates, paramTypes = "param_types"
    }

    /// The params with numbers and dates as the robot passed them, also after the update was stored as text.
    public var typedParams: [String: Value] {
        guard let paramTypes else { return params }
        var out = params
        for (name, type) in paramTypes {
            guard let v = out[name] else { continue }
            switch type {
            case "number": if let n = try? v.conformed(to: .number) { out[name] = n }
            case "date": if let d = try? v.conformed(to: .date) { out[name] = d }
            default: continue
            }
        }
        return out
    }

    /// This update as a read of the JSON line it is written as gives it back (`Value.jsonRoundTripped`).
    public var readBack: CaseUpdate {
        var u = self
        u.params = params.mapValues(\.jsonRoundTripped)
        return u
    }
}

/// Why a connector could not answer.
public enum ConnectorError: Error, CustomStringConvertible, Sendable {
    /// A system failure (down, timeout, unreadable): retry later; the invoice waits.
    case unavailable(connector: String, message: String)
    /// The answer does not have the shape the robot expects: a deviation naming the connector and the field.
    case badAnswer(connector: String, field: String, message: String)
    /// The robot names a connector or query the configuration does not have.
    case unknown(connector: String, message: String)
    /// A field the query's mapping names is missing from the answer or of another type (reason `case-data-invalid`).
    case invalidData(connector: String, query: String, field: String, message: String)
    /// The case system definitively refused a write-back (a 4xx that is not "already done"): retrying cannot help.
    case refused(connector: String, action: String, status: Int, message: String)

    public var description: String {
        switch self {
        case let .unavailable(c, m): return "case system \(c) unavailable: \(m)"
        case let .badAnswer(c, f, m): return "case system \(c) answered without a usable \(f): \(m)"
        case let .unknown(c, m): return "connector \(c): \(m)"
        case let .invalidData(c, q, f, m): return "case system \(c) answered query \(q) without a usable field \(f): \(m)"
        case let .refused(c, a, status, m): return "case system \(c) refused \(a) with HTTP \(status): \(m)"
        }
    }
}
