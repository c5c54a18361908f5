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

    /// A stored payload is read back by hand (`CaseUpdate(payload:)`) exactly as `JSONDecoder` reads it, or not at all
    /// (the sender then decodes it): never a different update.
    func testThePayloadIsReadBackAsTheDecoderReadsIt() throws {
        let decoder = JSONDecoder()
        let plain: [String: Value] = ["order_id": .string("ORD-B-1"), "amount": .number(Amount(parsing: "405.00")!), "when": .date(LocalDate(parsing: "2026-11-30")!),
                                      "flag": .bool(true), "off": .bool(false), "none": .null, "empty": .string(""), "by": .string("Ærø Bolig ApS"),
                                      "list": .list([.string("a"), .null, .list([]), .record([:])]), "nested": .record(["z": .string("z"), "a": .record(["y": .bool(false)])])]
        // Written by bilag: read by hand, and the same as the decoder's.
        for u in [update(plain), update([:]), update(plain, compensate: "reinstate-order", compensates: "fedcba9876543210fedcba9876543210")] {
            let payload = try XCTUnwrap(u.jsonPayload)
            let byHand = try XCTUnwrap(CaseUpdate(payload: payload), payload)
            XCTAssertEqual(byHand, try decoder.decode(CaseUpdate.self, from: Data(payload.utf8)), payload)
            XCTAssertEqual(byHand, u.readBack)
        }
        // Anything else: either the decoder's update or none (escapes, numbers, spaces, unknown or repeated keys,
        // a missing field, `null` where a text belongs, a truncated line).
        let base = try XCTUnwrap(update(plain, compensate: "c").jsonPayload)
        let others = [
            String(decoding: try encoder.encode(update(["note": .string("MED/1 \"x\" \\ é 😇")])), as: UTF8.self),
            #"{"action":"a","connector":"c","idempotency_key":"k","invoice_id":"i","params":{"n":12.50}}"#,
            #"{"action":"a","connector":"c","idempotency_key":"k","invoice_id":"i","params":{"n":1e3}}"#,
            #"{ "action":"a","connector":"c","idempotency_key":"k","invoice_id":"i","params":{}}"#,
            #"{"action":"a","connector":"c","idempotency_key":"k","invoice_id":"i","params":{},"extra":1}"#,
            #"{"action":"a","action":"b","connector":"c","idempotency_key":"k","invoice_id":"i","params":{}}"#,
            #"{"action":"a","connector":"c","idempotency_key":"k","invoice_id":"i","params":{"x":"1","x":"2"}}"#,
            #"{"action":"a","connector":"c","idempotency_key":"k","invoice_id":"i"}"#,
            #"{"action":null,"connector":"c","idempotency_key":"k","invoice_id":"i","params":{}}"#,
            #"{"action":"a","compensate":null,"connector":"c","idempotency_key":"k","invoice_id":"i","params":{}}"#,
            #"{"action":"a","connector":"c","idempotency_key":"k","invoice_id":"i","params":{"t":true,"f":false,"l":[null,"x"]}}"#,
            #"{"action":"a","connector":"c","idempotency_key":"k","invoice_id":"i","params":{}}x"#,
            String(base.dropLast()), base + " ",
        ]
        for payload in others {
            guard let byHand = CaseUpdate(payload: payload) else { continue }
            XCTAssertEqual(byHand, try? decoder.decode(CaseUpdate.self, from: Data(payload.utf8)), payload)
        }
        XCTAssertNotNil(CaseUpdate(payload: others[9]), "a null optional is read by hand")
        XCTAssertNil(CaseUpdate(payload: others[1]), "a JSON number is the decoder's")
    }
}
