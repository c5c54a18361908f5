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
}
