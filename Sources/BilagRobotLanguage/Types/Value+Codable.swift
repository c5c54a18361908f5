import BilagCore
import Foundation

/// JSON for values: numbers as decimal strings (`"1250.50"`), dates as `"YYYY-MM-DD"`, null as null.
///
/// Decoding is untyped: a JSON string comes back as a string (even `"1250.50"`) and a JSON number as an exact
/// number; use `conformed(to:)` to restore numbers and dates by their declared type.
extension Value: Codable {
    /// Decodes null, a bool, a string, an exact number, a list or a record.
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        // A JSON value is exactly one of these, so the order only decides the cost: texts, the commonest (parameters,
        // amounts as decimal strings), are tried first, not after a failed (thrown) attempt at a bool.
        if c.decodeNil() {
            self = .null
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? c.decode(Decimal.self) {
            self = .number(Amount(d))
        } else if let items = try? c.decode([Value].self) {
            self = .list(items)
        } else if let fields = try? c.decode([String: Value].self) {
            self = .record(fields)
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected null, a bool, a number, a string, a list or an object")
        }
    }

    /// Encodes numbers as decimal strings and dates as `YYYY-MM-DD`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n): try c.encode(n.description)
        case .string(let s): try c.encode(s)
        case .date(let d): try c.encode(d.description)
        case .list(let items): try c.encode(items)
        case .record(let fields): try c.encode(fields)
        }
    }
}

extension Value {
    /// This value as encoding it and decoding it again gives it back: numbers and dates as their strings, the rest as
    /// it is (what a reader of a file of values written by `encode` sees, without the JSON).
    public var jsonRoundTripped: Value {
        switch self {
        case .null, .bool, .string: return self
        case .number(let n): return .string(n.description)
        case .date(let d): return .string(d.description)
        case .list(let items): return .list(items.map(\.jsonRoundTripped))
        case .record(let fields): return .record(fields.mapValues(\.jsonRoundTripped))
        }
    }
}
