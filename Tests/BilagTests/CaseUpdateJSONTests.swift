import BilagCore
@testable import BilagEngine
import BilagRobotLanguage
import BilagRobots
import Foundation
import XCTest

/// A write-back's payload is written by hand on the committing thread (`CaseUpdate.jsonPayload`); it must be byte for
/// byte what the decider's `JSONEncoder` writes, for every kind of value, and step aside where the encoder decides.
final class CaseUpdateJSONTests: XCTestCase {
    let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    func update(_ params: [String: Value], compensate: String? = nil, compensates: String? = nil) -> CaseUpdate {
        var u = CaseUpdate(connector: "health", action: "mark-order-invoiced", params: params, idempotencyKey: "0123456789abcdef0123456789abcdef", invoiceID: "01J00000000000000000000000")
        u.compensate = compensate; u.compensates = compensates
        return u
    }

    func testThePayloadIsTheEncodersForEveryKindOfValue() throws {
        let params: [String: Value] = [
            "order_id": .string("ORD-B-1"), "invoice_number": .string("MED/1 \"x\" \\ é 😇"), "amount": .number(Amount(parsing: "405.00")!), "negative": .number(Amount(parsing: "-0.5")!),
            "when": .date(LocalDate(parsing: "2026-11-30")!), "flag": .bool(true), "off": .bool(false), "none": .null, "Upper": .string(""), "a_b": .string("1"), "a-b": .string("2"), "0": .string("3"),
            "list": .list([.string("a"), .number(Amount(1)), .null, .list([]), .record([:])]), "nested": .record(["z": .string("z"), "a": .record(["y": .bool(false)]), "m": .list([.date(LocalDate(parsing: "2027-01-01")!)])]),
        ]
        for u in [update(params), update([:]), update(params, compensate: "reinstate-order", compensates: "fedcba9876543210fedcba9876543210")] {
            XCTAssertEqual(u.jsonPayload, String(decoding: try encoder.encode(u), as: UTF8.self))
        }
    }

    func testItStepsAsideWhereTheEncoderDecides() {
        XCTAssertNil(update(["note": .string("two\nlines")]).jsonPayload)
        XCTAssertNil(update(["sagsnr": .record(["år": .string("2026")])]).jsonPayload)
    }
}
