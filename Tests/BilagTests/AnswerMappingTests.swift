import BilagRobotLanguage
@testable import BilagRobots
import Foundation
import XCTest

/// How an `http` answer's values are read into the types robots ask for.
final class AnswerMappingTests: XCTestCase {
    func mapping(_ fields: [String: HTTPField]) -> AnswerMapping {
        var q = HTTPQuery(path: "/x")
        q.fields = fields
        return AnswerMapping(connector: "c", query: "q", spec: q)
    }

    func read(_ json: String, _ fields: [String: HTTPField]) throws -> [String: Value] {
        try mapping(fields).records(in: try JSONSerialization.jsonObject(with: Data(json.utf8))).first ?? [:]
    }

    /// A bool as the text "true"/"false" in any case (as the `files` connector reads it); a date as a timestamp
    /// starting with it. Anything else stays the wrong type, named.
    func testTextBoolsAndTimestampsAreReadAndOtherTextsAreRefusedByName() throws {
        let bool = HTTPField(pointer: "/b", type: .bool), date = HTTPField(pointer: "/d", type: .date)
        XCTAssertEqual(try read(#"{"b": "TRUE", "d": "2026-10-01T23:30:00Z"}"#, ["b": bool, "d": date]), ["b": .bool(true), "d": .string("2026-10-01")])
        XCTAssertEqual(try read(#"{"b": " false", "d": "2026-10-01 08:00"}"#, ["b": bool, "d": date]), ["b": .bool(false), "d": .string("2026-10-01")])
        for (json, field, says) in [(#"{"b": "ja"}"#, "b", "expected bool at /b, got a string"), (#"{"b": 1}"#, "b", "expected bool at /b, got a number"),
                                    (#"{"d": "2. oktober 2026"}"#, "d", "YYYY-MM-DD"), (#"{"d": "2026-13-01T00:00"}"#, "d", "2026-13-01T00:00"),
                                    (#"{"d": "0101901234"}"#, "d", "010190-XXXX")] {
            let fields = field == "b" ? ["b": bool] : ["d": date]
            XCTAssertThrowsError(try read(json, fields), json) { e in
                guard case let ConnectorError.invalidData(_, _, f, message) = e else { return XCTFail("\(e)") }
                XCTAssertEqual(f, field)
                XCTAssertTrue(message.contains(says), "\(json): \(message)")
            }
        }
    }
}
