import BilagCore
import BilagFormats
import Foundation
import XCTest

/// Every valid example in the shared corpus parses, and its totals are the document's own.
final class CorpusParseTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/corpus").standardizedFileURL

    /// The folders of documents meant to be valid.
    static let validFolders = ["en16931-ubl/examples", "en16931-ubl/testfiles", "en16931-cii/examples", "peppol-bis3/examples", "oioubl/parse", "oioubl/generated"]

    func testEveryValidCorpusExampleParsesWithItsOwnTotals() throws {
        var bySyntax: [String: Int] = [:]
        var byProfile: [String: Int] = [:]
        var failures: [String] = []
        for folder in Self.validFolders {
            let dir = Self.corpus.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where name.hasSuffix(".xml") {
                let data = try Data(contentsOf: dir.appendingPathComponent(name))
                let doc: ParsedDocument
                do { doc = try DocumentParser.parse(data) } catch {
                    failures.append("\(folder)/\(name): \(error)"); continue
                }
                let inv = doc.invoice
                bySyntax[inv.syntax.rawValue, default: 0] += 1
                byProfile[inv.profile.rawValue, default: 0] += 1
                if !doc.findings.isEmpty { failures.append("\(folder)/\(name): findings \(doc.findings)") }
                let text = String(decoding: data, as: UTF8.self)
                // The document's own payable amount, read independently of the parser.
                let payableTag = inv.syntax == .ubl ? "PayableAmount" : "DuePayableAmount"
                if let written = Self.firstValue(of: payableTag, in: text) {
                    if inv.totals.amountDueForPayment != written { failures.append("\(folder)/\(name): amount due \(String(describing: inv.totals.amountDueForPayment)) ≠ document's \(written)") }
                } else {
                    failures.append("\(folder)/\(name): no \(payableTag) in the document")
                }
                let lineTag = inv.syntax == .ubl ? "LineExtensionAmount" : "LineTotalAmount"
                if let sumTag = Self.lastValue(of: lineTag, in: text), let lines = inv.totals.sumOfInvoiceLineNetAmount, lines != sumTag {
                    failures.append("\(folder)/\(name): line total \(lines) ≠ document's \(sumTag)")
                }
                // Arithmetic the document itself states: sum of lines = BT-106.
                let lineSum = inv.lines.compactMap(\.netAmount).reduce(Amount.zero, +)
                if let bt106 = inv.totals.sumOfInvoiceLineNetAmount, !inv.lines.isEmpty, lineSum != bt106 {
                    failures.append("\(folder)/\(name): lines sum to \(lineSum), BT-106 says \(bt106)")
                }
                XCTAssertNotNil(inv.invoiceNumber, "\(folder)/\(name) has no invoice number")
                XCTAssertFalse(inv.lines.isEmpty, "\(folder)/\(name) has no lines")
            }
        }
        let total = bySyntax.values.reduce(0, +)
        print("corpus: read \(total) documents — " + bySyntax.sorted { $0.key < $1.key }.map { "\($0.key.uppercased()) \($0.value)" }.joined(separator: ", ") + "; profiles: " + byProfile.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        XCTAssertGreaterThan(total, 90)
        XCTAssertGreaterThan(bySyntax["cii"] ?? 0, 10)
        XCTAssertTrue(failures.isEmpty, failures.joined(separator: "\n"))
    }

    func testCreditNoteIsANegativeDocument() throws {
        let data = try Data(contentsOf: Self.corpus.appendingPathComponent("peppol-bis3/examples/base-creditnote-correction.xml"))
        let inv = try DocumentParser.parse(data).invoice
        XCTAssertEqual(inv.documentKind, .creditNote)
        XCTAssertEqual(inv.totals.amountDueForPayment, "1656.25")
        XCTAssertEqual(inv.signedAmountDue, "-1656.25")
    }

    /// UBL CreditNote has no cac:ProjectReference; BT-11 comes as a document reference with type code 50 and is not
    /// a supporting document. In an Invoice the same reference stays a supporting document.
    func testProjectReferenceOfAUBLCreditNoteIsRead() throws {
        let data = try Data(contentsOf: Self.corpus.appendingPathComponent("en16931-ubl/testfiles/CreditNote-Max_content.xml"))
        let inv = try DocumentParser.parse(data).invoice
        XCTAssertEqual(inv.projectReference, "11111111")
        XCTAssertFalse(inv.supportingDocuments.contains { $0.typeCode == "50" })
    }

    func testByteOrderMarkAndSpacesAroundEqualsAreRead() throws {
        let data = try Data(contentsOf: Self.corpus.appendingPathComponent("oioubl/parse/happy-path_real.xml"))
        XCTAssertEqual(Array(data.prefix(3)), [0xEF, 0xBB, 0xBF])
        let inv = try DocumentParser.parse(data).invoice
        XCTAssertEqual(inv.profile, .oioubl)
        XCTAssertEqual(inv.totals.amountDueForPayment?.description, "6312.50")
        XCTAssertEqual(inv.totals.invoiceTotalAmountWithoutVAT, "5050.00", "OIOUBL's TaxExclusiveAmount holds the VAT; BT-109 is computed")
    }

    func testWhitespaceInsideAmountElementsIsCollapsed() throws {
        let xml = """
        <Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2">
          <cbc:ID> 42 </cbc:ID><cac:LegalMonetaryTotal><cbc:PayableAmount currencyID = "DKK">
             100.50
          </cbc:PayableAmount></cac:LegalMonetaryTotal></Invoice>
        """
        let doc = try DocumentParser.parse(Data(xml.utf8))
        XCTAssertEqual(doc.invoice.invoiceNumber, "42")
        XCTAssertEqual(doc.invoice.totals.amountDueForPayment?.description, "100.50")
        XCTAssertTrue(doc.findings.isEmpty)
    }

    func testUnreadableAmountBecomesAFindingNotACrash() throws {
        let xml = """
        <Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2">
          <cbc:ID>1</cbc:ID><cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="DKK">1.000,50</cbc:PayableAmount></cac:LegalMonetaryTotal></Invoice>
        """
        let doc = try DocumentParser.parse(Data(xml.utf8))
        XCTAssertNil(doc.invoice.totals.amountDueForPayment)
        XCTAssertEqual(doc.findings.first?.path, "cac:LegalMonetaryTotal/cbc:PayableAmount")
    }

    static func firstValue(of tag: String, in text: String) -> Amount? {
        values(of: tag, in: text).first
    }

    static func lastValue(of tag: String, in text: String) -> Amount? {
        // The document-level sum is the last LineExtensionAmount in UBL (after the lines it is not: it precedes them), so take the one inside the monetary total.
        let marker = text.range(of: "LegalMonetaryTotal") ?? text.range(of: "SpecifiedTradeSettlementHeaderMonetarySummation")
        guard let marker else { return nil }
        return values(of: tag, in: String(text[marker.upperBound...])).first
    }

    static func values(of tag: String, in text: String) -> [Amount] {
        let pattern = "<(?:[A-Za-z0-9]+:)?\(tag)\\b[^>]*>\\s*([-0-9.]+)\\s*</"
        guard let re = try? NSRegularExpression(pattern: pattern) else { return [] }
        let ns = text as NSString
        return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).compactMap { Amount(parsing: ns.substring(with: $0.range(at: 1))) }
    }
}
