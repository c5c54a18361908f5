import BilagCore
import BilagRobotLanguage
import Foundation

/// A JSON body with `{param}` placeholders, as `bilag.yaml` writes it. A string that is exactly `"{param}"` becomes
/// the parameter's JSON value (a number stays a number); placeholders inside a longer string are replaced by text.
public indirect enum JSONTemplate: Sendable, Equatable {
    case text(String)
    case number(String)
    case bool(Bool)
    case null
    case list([JSONTemplate])
    case object([String: JSONTemplate])

    /// The `{param}` names its strings hold (what a request built from it needs the robot to pass).
    public var placeholders: Set<String> {
        switch self {
        case let .text(t): return RequestTemplate.placeholders(t)
        case .number, .bool, .null: return []
        case let .list(items): return items.reduce(into: Set<String>()) { $0.formUnion($1.placeholders) }
        case let .object(fields): return fields.values.reduce(into: Set<String>()) { $0.formUnion($1.placeholders) }
        }
    }

    /// From what YAML read.
    public static func from(_ any: Any?) -> JSONTemplate {
        switch any {
        case nil, is NSNull: return .null
        case let b as Bool: return .bool(b)
        case let i as Int: return .number(String(i))
        case let d as Double: return .number(String(d))
        case let s as String: return .text(s)
        case let a as [Any]: return .list(a.map(from))
        case let o as [String: Any]: return .object(o.mapValues(from))
        default: return .text("\(any!)")
        }
    }

    /// The JSON text with `params` filled in, keys sorted. Throws naming a placeholder no parameter fills.
    public func render(_ params: [String: Value]) throws -> String {
        switch self {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case let .number(n): return n
        case let .list(items): return "[" + (try items.map { try $0.render(params) }).joined(separator: ",") + "]"
        case let .object(fields):
            return "{" + (try fields.sorted { $0.key < $1.key }.map { "\(RequestTemplate.quoted($0.key)):\(try $0.value.render(params))" }).joined(separator: ",") + "}"
        case let .text(t):
            if t.hasPrefix("{"), t.hasSuffix("}"), t.dropFirst().dropLast().allSatisfy(RequestTemplate.isNameCharacter) {
                let name = String(t.dropFirst().dropLast())
                guard let v = params[name] else { throw RequestTemplate.missing(name) }
                return RequestTemplate.json(v)
            }
            return RequestTemplate.quoted(try RequestTemplate.fill(t, params) { $0 })
        }
    }
}

/// Fills `{param}` placeholders of paths (percent-encoded) and bodies.
public enum RequestTemplate {
    static func isNameCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "-" || c == "." }

    static func missing(_ name: String) -> HTTPConfigError {
        HTTPConfigError("the template names {\(name)}, which the robot does not pass; use one of the query's or action's params")
    }

    /// A path with each `{param}` replaced by the parameter's text, percent-encoded (RFC 3986 unreserved kept).
    public static func path(_ template: String, _ params: [String: Value]) throws -> String {
        try fill(template, params) { $0.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "" }
    }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// The `{param}` names a path or text template holds.
    public static func placeholders(_ template: String) -> Set<String> {
        var names = Set<String>()
        scan(template, literal: { _ in }, placeholder: { names.insert($0) })
        return names
    }

    static func fill(_ template: String, _ params: [String: Value], encode: (String) -> String) throws -> String {
        var out = ""
        try scan(template, literal: { out += $0 }, placeholder: { name in
            guard let v = params[name] else { throw missing(name) }
            out += encode(text(v))
        })
        return out
    }

    /// Walks a template: its text between placeholders, and each `{name}` (a `{` without its `}` is text).
    static func scan(_ template: String, literal: (Substring) -> Void, placeholder: (String) throws -> Void) rethrows {
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            literal(rest[..<open])
            try placeholder(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        literal(rest)
    }

    /// A parameter as text in a URL or a string.
    static func text(_ v: Value) -> String {
        switch v {
        case .null: return ""
        case let .string(s): return s
        case let .number(n): return n.description
        case let .date(d): return d.description
        case let .bool(b): return b ? "true" : "false"
        case .list, .record: return v.description
        }
    }

    /// A parameter as a JSON value.
    static func json(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case let .number(n): return n.description
        case let .list(items): return "[" + items.map(json).joined(separator: ",") + "]"
        case let .record(r): return "{" + r.sorted { $0.key < $1.key }.map { "\(quoted($0.key)):\(json($0.value))" }.joined(separator: ",") + "}"
        case .string, .date: return quoted(text(v))
        }
    }

    static func quoted(_ s: String) -> String { JSONText.quoted(s) }
}
