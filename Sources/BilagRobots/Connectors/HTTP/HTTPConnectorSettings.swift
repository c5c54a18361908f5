import Foundation

/// An `http` connector as `bilag.yaml` configures it: where the case system is, how to reach it safely, and how its
/// API's names and nesting map onto the queries and actions robots name.
public struct HTTPConnectorSettings: Sendable, Equatable {
    public var baseURL: String
    /// Allows an `http://` base URL (logged as a warning at start). TLS verification itself is never turned off.
    public var insecure = false
    public var tls = HTTPTLS()
    public var auth: HTTPAuth = .none
    /// Extra headers sent with every request.
    public var headers: [String: String] = [:]
    public var connectTimeoutMilliseconds = 5000
    public var timeoutMilliseconds = 30000
    /// The most requests open to this system at once.
    public var maxInFlight = 16
    /// Consecutive system failures that open the circuit breaker, and how long it stays open before a probe.
    public var breakerFailures = 5
    public var breakerOpenSeconds: Double = 30
    /// A path `bilag connectors check` asks (default: the base URL itself).
    public var healthPath: String?
    public var queries: [String: HTTPQuery] = [:]
    public var actions: [String: HTTPAction] = [:]

    public init(baseURL: String) { self.baseURL = baseURL }
}

/// Credentials, always read from a file or an environment variable at start, never written in `bilag.yaml`.
public enum HTTPAuth: Sendable, Equatable {
    case none
    case bearer(SecretSource)
    case basic(user: String, password: SecretSource)
}

/// Where a secret is kept.
public enum SecretSource: Sendable, Equatable, CustomStringConvertible {
    case file(String)
    case environment(String)

    /// The secret, without surrounding whitespace. Throws a message naming the source, never the secret.
    public func read(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        switch self {
        case let .file(path):
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw HTTPConfigError("cannot read the secret file \(path): check that it exists and bilag may read it")
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        case let .environment(name):
            guard let v = environment[name], !v.isEmpty else { throw HTTPConfigError("the environment variable \(name) holding the secret is not set") }
            return v.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    public var description: String {
        switch self {
        case let .file(p): return "file \(p)"
        case let .environment(n): return "environment variable \(n)"
        }
    }
}

/// A configuration of an `http` connector that cannot work; says what to change.
public struct HTTPConfigError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// How a robot's query is asked and its answer read.
public struct HTTPQuery: Sendable, Equatable {
    /// GET, or POST with `body` (so that a CPR number need not travel in a URL).
    public var method = "GET"
    /// Appended to the base URL; `{param}` is replaced by the percent-encoded parameter.
    public var path: String
    public var body: JSONTemplate?
    /// A JSON pointer to the results: an array of records or one record (`""`: the whole answer).
    public var results = ""
    /// A 404 answer means "no record" (a business answer) rather than a failure.
    public var notFoundIsNone = false
    /// Parameters also compared with the mapped field of the same name (for APIs that filter more coarsely).
    public var filter: [String] = []
    /// Field name as robots see it → where it is in one record and its type.
    public var fields: [String: HTTPField] = [:]

    public init(path: String) { self.path = path }
}

/// One field of a record: a JSON pointer relative to the record, its type, and whether it may be absent or null.
public struct HTTPField: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case string, number, bool, date }
    public var pointer: String
    public var type: Kind
    public var optional = false
    /// The API's own spelling of a text value → the one the robots compare with (`OPEN: open`, `AKTIV: active`).
    public var values: [String: String] = [:]
    public init(pointer: String, type: Kind, optional: Bool = false, values: [String: String] = [:]) {
        self.pointer = pointer; self.type = type; self.optional = optional; self.values = values
    }
}

/// How a robot's write-back is sent.
public struct HTTPAction: Sendable, Equatable {
    public var method = "POST"
    public var path: String
    public var body: JSONTemplate?
    /// The header carrying the update's idempotency key.
    public var idempotencyHeader = "Idempotency-Key"
    /// The header carrying, on a reversal (compensating update), the idempotency key of the write-back it reverses.
    public var compensatesHeader = "Compensates-Key"
    /// Statuses meaning the update was applied now, or had been applied before (a repeat of the same key).
    public var done: Set<Int> = [200, 201, 202, 204]
    public var alreadyDone: Set<Int> = [409]
    public init(path: String) { self.path = path }
}

extension HTTPConnectorSettings {
    /// The same settings with relative certificate, key, CA and secret-file paths taken from `root`.
    public func resolvingPaths(from root: String) -> HTTPConnectorSettings {
        func abs(_ p: String?) -> String? { p.map { $0.hasPrefix("/") ? $0 : root + "/" + $0 } }
        var s = self
        s.tls = HTTPTLS(caBundle: abs(tls.caBundle), clientCertificate: abs(tls.clientCertificate), clientKey: abs(tls.clientKey))
        func source(_ src: SecretSource) -> SecretSource {
            if case let .file(p) = src { return .file(abs(p)!) }
            return src
        }
        switch auth {
        case .none: break
        case let .bearer(src): s.auth = .bearer(source(src))
        case let .basic(user, src): s.auth = .basic(user: user, password: source(src))
        }
        return s
    }
}
