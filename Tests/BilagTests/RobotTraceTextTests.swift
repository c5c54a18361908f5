import BilagCore
import BilagRobotLanguage
@testable import BilagRobots
import XCTest

/// The texts a robot's trace shows for a lookup's and a table's arguments and for what they found, written into one
/// string each: the same text as the interpolations and joins they replace.
final class RobotTraceTextTests: XCTestCase {
    func testArgumentsAndFindingsReadAsBefore() {
        var rng = SystemRandomNumberGenerator()
        let values: [Value] = [.null, .bool(true), .number(Amount(stringLiteral: "1250.50")), .number(Amount(stringLiteral: "-3")),
                               .string("SAG-4711"), .string("with \"quotes\" and \\"), .string(""), .date(LocalDate(parsing: "2026-11-20")!),
                               .list([.string("a"), .number(Amount(stringLiteral: "2"))]), .record(["b": .null, "a": .string("x")])]
        let names = ["cpr", "clinic_cvr", "ean", "id", "a", "case", "ø"]
        for _ in 0..<2000 {
            var args: [String: Value] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &rng) { args[names.randomElement(using: &rng)!] = values.randomElement(using: &rng)! }
            let date: LocalDate? = Bool.random(using: &rng) ? LocalDate(parsing: "2026-12-0\(Int.random(in: 1...9, using: &rng))") : nil
            let before = "tariffs(" + args.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + (date.map { ", on \($0)" } ?? "") + ")"
            XCTAssertEqual(RobotRunner.call("tariffs", args, on: date), before)
            XCTAssertEqual(Value.record(args).description(after: "found "), "found " + Value.record(args).description)
            XCTAssertEqual(Value.list(Array(args.values)).description(after: "row "), "row " + Value.list(Array(args.values)).description)
        }
        XCTAssertEqual(RobotRunner.call("health.orders", ["cpr": .string("0101801234"), "clinic_cvr": .string("12345678")], on: nil),
                       "health.orders(clinic_cvr: \"12345678\", cpr: \"0101801234\")")
        XCTAssertEqual(RobotRunner.call("limits", [:], on: LocalDate(parsing: "2026-11-01")), "limits(, on 2026-11-01)")
    }

    /// A value's description as it was written before it was written as bytes: a `String` grown append by append,
    /// texts escaped scalar by scalar.
    static func reference(_ v: Value) -> String {
        func quoted(_ s: String) -> String {
            let escapes: [Unicode.Scalar: String] = ["\"": "\\\"", "\\": "\\\\", "\n": "\\n", "\t": "\\t"]
            var out = "\""
            for c in s.unicodeScalars {
                if let e = escapes[c] { out += e } else { out.unicodeScalars.append(c) }
            }
            return out + "\""
        }
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n.description
        case .date(let d): return d.description
        case .string(let s): return quoted(s)
        case .list(let items): return "[" + items.map(reference).joined(separator: ", ") + "]"
        case .record(let fields): return "{" + fields.keys.sorted().map { "\($0): " + reference(fields[$0]!) }.joined(separator: ", ") + "}"
        }
    }

    /// Texts, lists and records written as bytes read exactly as before: escapes anywhere in a text (a quote, a
    /// backslash, a line break, a tab, beside non-ASCII letters, combining marks, emoji, CR LF), nested lists and
    /// records, keys that are not ASCII.
    func testDescriptionsWrittenAsBytesReadAsBefore() {
        var rng = SystemRandomNumberGenerator()
        let pieces = ["a", "SAG-4711", "\"", "\\", "\n", "\t", "\r\n", "Ærø", "e\u{301}", "😇", " ", "010190-1234", ""]
        let keys = ["cpr", "id", "ø", "Å", "a_b", "B", "case id", "é"]
        func text() -> String { (0..<Int.random(in: 0...5, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined() }
        func value(_ depth: Int) -> Value {
            switch Int.random(in: 0..<(depth > 2 ? 6 : 8), using: &rng) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &rng))
            case 2: return .number(Amount(stringLiteral: ["0", "-3", "1250.50", "0.005", "12345678901234567890.25"].randomElement(using: &rng)!))
            case 3: return .date(LocalDate(parsing: "2026-11-2\(Int.random(in: 0...9, using: &rng))")!)
            case 4, 5: return .string(text())
            case 6: return .list((0..<Int.random(in: 0...4, using: &rng)).map { _ in value(depth + 1) })
            default:
                var r: [String: Value] = [:]
                for _ in 0..<Int.random(in: 0...5, using: &rng) { r[keys.randomElement(using: &rng)!] = value(depth + 1) }
                return .record(r)
            }
        }
        for _ in 0..<3000 {
            let v = value(0)
            XCTAssertEqual(v.description, Self.reference(v))
            XCTAssertEqual(v.description(after: "found "), "found " + Self.reference(v))
            var args: [String: Value] = [:]
            for _ in 0..<Int.random(in: 0...3, using: &rng) { args[keys.randomElement(using: &rng)!] = value(1) }
            XCTAssertEqual(RobotRunner.call("health.orders", args, on: nil),
                           "health.orders(" + args.keys.sorted().map { "\($0): " + Self.reference(args[$0]!) }.joined(separator: ", ") + ")")
        }
    }

}
