import BilagCore
import BilagOutbox
@testable import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// Names and remittance texts in a payment file: in the CGI Latin character set (others mapped or replaced), cut by
/// code points as the schema counts Max70Text and Max140Text, and the file valid against the official XSD.
final class PaymentTextTests: XCTestCase {
    typealias F = PaymentFixtures

    func render(name: String, message: String, version: PaymentSettings.Version = .v03) throws -> String {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config(version: version.rawValue))
        let pipeline = try root.bookingPipeline()
        let settings = try XCTUnwrap(pipeline.outbox.payments?.settings)
        let i = PayeeInstruction(kind: .iban, country: "DK", account: "DK5000400440116243", bic: "DABADKKK", message: message)
        var p = PaymentRecord(invoiceID: "01TEXT", seq: 1, state: "filed", documentKind: "invoice", supplierKey: "DK11111111", supplierName: name, invoiceNumber: "F-1", currency: "DKK",
                              amount: Amount(100), dueDate: "2026-12-07", accountKey: i.accountKey, instruction: String(decoding: try JSONEncoder().encode(i), as: UTF8.self), reason: nil,
                              createdAt: "2026-12-04T10:00:00Z")
        p.requestedDate = "2026-12-07"
        let file = PaymentFileRecord(id: 1, writer: "bank", name: "bank-2026-12-04-000000000001.xml", state: "pending", createdAt: "2026-12-04T10:00:00Z", count: 1)
        let data = try Pain001Document(settings: settings).render(file: file, payments: [p])
        let path = root.path + "/" + file.name
        try data.write(to: URL(fileURLWithPath: path))
        if let errors = try F.schemaErrors(path, version: version.rawValue) { XCTFail("not valid against \(version.rawValue).xsd: \(errors)") }
        return String(decoding: data, as: UTF8.self)
    }

    /// The contents of the first `<tag>` after `after`, its apostrophes unescaped.
    func element(_ tag: String, in xml: String, after: String) throws -> String {
        let start = try XCTUnwrap(xml.range(of: after)).upperBound
        let open = try XCTUnwrap(xml.range(of: "<\(tag)>", range: start..<xml.endIndex)), close = try XCTUnwrap(xml.range(of: "</\(tag)>", range: open.upperBound..<xml.endIndex))
        return String(xml[open.upperBound..<close.lowerBound]).replacingOccurrences(of: "&apos;", with: "'")
    }

    func testADecomposedNameOf70LettersIs70CodePointsAndValid() throws {
        let decomposed = String(repeating: "a\u{030A}", count: 70)   // "å" as a and a combining ring: 140 code points
        XCTAssertEqual(decomposed.count, 70)
        for version in [PaymentSettings.Version.v03, .v09] {
            let xml = try render(name: decomposed, message: String(repeating: "o\u{0308}", count: 150), version: version)
            let nm = try element("Nm", in: xml, after: "<Cdtr>")
            XCTAssertEqual(nm, String(repeating: "å", count: 70))
            XCTAssertEqual(nm.unicodeScalars.count, 70)
            let ustrd = try element("Ustrd", in: xml, after: "<RmtInf>")
            XCTAssertEqual(ustrd, String(repeating: "ö", count: 140))
        }
    }

    func testCharactersOutsideTheSetAreMappedOrReplaced() throws {
        let xml = try render(name: "Smørrebrød & Søn — Ærø “Fisk” ApS 😀 Łódź Straße", message: "Faktura № 12\tfor ñandú; 50% <rabat> @ Zoë_Ørsted")
        let nm = try element("Nm", in: xml, after: "<Cdtr>")
        XCTAssertEqual(nm, "Smørrebrød + Søn - Ærø 'Fisk' ApS . Lodz Strasse")
        let ustrd = try element("Ustrd", in: xml, after: "<RmtInf>")
        XCTAssertEqual(ustrd, "Faktura . 12 for nandu. 50. .rabat. . Zoe.Ørsted")
        for text in [nm, ustrd] { XCTAssertTrue(CGILatin.isValid(text), text) }
        // Names of 70 code points with characters to map stay 70 after mapping (a mapping that lengthens is cut).
        let long = try render(name: String(repeating: "ß", count: 60), message: "x")
        XCTAssertEqual(try element("Nm", in: long, after: "<Cdtr>"), String(repeating: "s", count: 70))
    }
}
