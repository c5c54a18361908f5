import BilagCore
import BilagRobotLanguage
import Foundation

/// Reads the records a query's answer holds, by its configured JSON pointers and types, into the names robots use.
/// A field that is missing, null (unless `optional`) or of another type is `ConnectorError.invalidData`, never a
/// silent null.
struct AnswerMapping {
    let connector: String
    let query: String
    let spec: HTTPQuery

    func records(in document: Any) throws -> [[String: Value]] {
        guard let found = JSONPointer.resolve(spec.results, in: document) else {
            throw invalid("results", "the answer has nothing at \(pointerText(spec.results))")
        }
        switch found {
        case is NSNull: return []
        case let list as [Any]:
            return try list.map { item in
                guard let object = item as? [String: Any] else { throw invalid("results", "an entry of \(pointerText(spec.results)) is not an object") }
                return try record(object)
            }
        case let object as [String: Any]: return [try record(object)]
        default: throw invalid("results", "\(pointerText(spec.results)) is neither a list nor an object")
        }
    }

    func pointerText(_ p: String) -> String { p.isEmpty ? "the top level" : p }

    func record(_ object: [String: Any]) throws -> [String: Value] {
        var out: [String: Value] = [:]
        for (field, f) in spec.fields {
            let raw = JSONPointer.resolve(f.pointer, in: object)
            if raw == nil || raw is NSNull {
                guard f.optional else { throw invalid(field, raw == nil ? "missing at \(f.pointer)" : "null at \(f.pointer)") }
                out[field] = .null
                continue
            }
            out[field] = try value(raw!, f, field)
        }
        return out
    }

    func value(_ raw: Any, _ f: HTTPField, _ field: String) throws -> Value {
        let number = raw as? NSNumber
        let isBool = number.map { String(cString: $0.objCType) == "c" } ?? false
        switch f.type {
        case .string:
            if let s = raw as? String { return .string(f.values[s] ?? s) }
        case .number:
            if let n = number, !isBool, let a = Amount(parsing: n.stringValue) { return .number(a) }
            if let s = raw as? String, let a = Amount(parsing: s) { return .number(a) }
        case .bool:
            if let n = number, isBool { return .bool(n.boolValue) }
            // As the `files` connector reads them: "true" / "false" in any case.
            if let s = raw as? String, let b = ["true": true, "false": false][s.trimmingCharacters(in: .whitespaces).lowercased()] { return .bool(b) }
        case .date:
            if let s = raw as? String {
                if LocalDate(parsing: s) != nil { return .string(s) }
                // A timestamp (`2026-10-01T08:00:00+02:00`): its date as written, in its own offset.
                let day = String(s.prefix(10))
                if s.count > 10, ["T", " "].contains(s[s.index(s.startIndex, offsetBy: 10)]), LocalDate(parsing: day) != nil { return .string(day) }
                throw invalid(field, "expected a date (YYYY-MM-DD, or a timestamp starting with one) at \(f.pointer), got the text \"\(PersonalData.mask(String(s.prefix(40))))\"")
            }
        }
        throw invalid(field, "expected \(f.type.rawValue) at \(f.pointer), got \(Self.describe(raw, isBool: isBool))")
    }

    static func describe(_ raw: Any, isBool: Bool) -> String {
        switch raw {
        case is String: return "a string"
        case is NSNumber: return isBool ? "true/false" : "a number"
        case is [Any]: return "a list"
        case is [String: Any]: return "an object"
        default: return "\(type(of: raw))"
        }
    }

    func invalid(_ field: String, _ message: String) -> ConnectorError {
        .invalidData(connector: connector, query: query, field: field, message: message)
    }
}
