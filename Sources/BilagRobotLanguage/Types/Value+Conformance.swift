import Foundation
import BilagCore

/// Bringing outside data (CSV cells, case-system answers) to its declared type.
extension Value {
    /// This value converted to `type`, or a `ValueMismatch` naming the first field that does not fit.
    ///
    /// Texts become numbers (`"1250.50"`), dates (`"2026-01-31"`) and bools (`"true"`, `"false"`) when the type
    /// asks for one; a blank text is null there. A whole number becomes text when the type asks for a string
    /// (a CVR sent as a JSON number). Null fits every type. Record fields not declared are dropped; declared
    /// fields that are missing are null.
    public func conformed(to type: ValueType) throws -> Value {
        try conformed(to: type, path: [])
    }

    private func conformed(to type: ValueType, path: [String]) throws -> Value {
        let mismatch = ValueMismatch(path: path, expected: type, found: self)
        if case .null = self { return .null }
        switch (type, self) {
        case (.any, _): return self
        case (.optional(let inner), _): return try conformed(to: inner, path: path)
        case (.bool, .bool), (.number, .number), (.string, .string), (.date, .date): return self
        case (.number, .string(let s)):
            if Value.isBlank(s) { return .null }
            guard let n = Amount(parsing: s) else { throw mismatch }
            return .number(n)
        case (.date, .string(let s)):
            if Value.isBlank(s) { return .null }
            guard let d = LocalDate(parsing: s) else { throw mismatch }
            return .date(d)
        case (.bool, .string(let s)):
            switch s.trimmingWhitespace(includingNewlines: false).lowercased() {
            case "": return .null
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw mismatch
            }
        case (.string, .number(let n)):
            guard n.scale == 0 else { throw mismatch }
            return .string(n.description)
        case (.list(let element), .list(let items)):
            return .list(try items.enumerated().map { try $1.conformed(to: element, path: path + ["[\($0)]"]) })
        case (.record(let fields), .record(let values)):
            var out: [String: Value] = [:]
            for (name, fieldType) in fields {
                out[name] = try (values[name] ?? .null).conformed(to: fieldType, path: path + [name])
            }
            return .record(out)
        default:
            throw mismatch
        }
    }

    private static func isBlank(_ s: String) -> Bool { s.allSatisfy(\.isWhitespace) }
}
