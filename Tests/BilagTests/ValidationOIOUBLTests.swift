import BilagCore
import BilagFormats
import BilagValidation
import Foundation
import XCTest

/// OIOUBL judged by the official OIOUBL 2.1 Schematron's rules (issue 17): each test changes one thing in a valid
/// corpus OIOUBL invoice and checks the official rule id (as the differential harness measured with the official
/// XSLT).
final class ValidationOIOUBLTests: XCTestCase {
    static let base = "oioubl/parse/nemkonto.xml"

    func fatal(_ file: String = base, _ change: (String) -> String = { $0 + " " }) throws -> Set<String> {
        let text = try String(contentsOf: ValidationAgreementTests.corpus.appendingPathComponent(file), encoding: .utf8)
        let changed = change(text)
        XCTAssertNotEqual(changed, text, "the change applies")
        let report = Validator().validate(try DocumentParser.parse(Data(changed.utf8)))
        XCTAssertEqual(report.profile, .oioubl)
        return Set(report.issues.filter { $0.severity == .fatal }.map(\.ruleID))
    }

    func testValidInvoicesPass() throws {
        XCTAssertEqual(try fatal(), [])
        // Excise duties are part of TaxExclusiveAmount and TaxInclusiveAmount (F-INV127/128 sum every TaxSubtotal).
        XCTAssertEqual(try fatal("oioubl/parse/excise-line-and-document.xml"), [])
        XCTAssertEqual(try fatal("oioubl/parse/excise-registration-tax_real.xml"), [])
    }

    func testCountryCodeList() throws {
        XCTAssertEqual(try fatal { $0.replacingOccurrences(of: "<cbc:IdentificationCode>DK<", with: "<cbc:IdentificationCode>XX<") }, ["F-LIB301"])
        XCTAssertEqual(try fatal { $0.replacingOccurrences(of: "<cbc:IdentificationCode>DK<", with: "<cbc:IdentificationCode> DK <") }, ["F-LIB301"])
    }

    func testUnitCodeList() throws {
        XCTAssertEqual(try fatal { $0.replacingOccurrences(of: #"unitCode="C62">1<"#, with: #"unitCode="XYZ">1<"#) }, ["F-LIB318"])
    }

    func testExactlyTwoDecimals() throws {
        XCTAssertEqual(try fatal { $0.replacingOccurrences(of: ">41178.80</cbc:PayableAmount>", with: ">41178.8</cbc:PayableAmount>") }, ["F-LIB014"])
    }

    func testTaxExclusiveAmountIsTheSumOfEveryTax() throws {
        XCTAssertEqual(try fatal { $0.replacingOccurrences(of: ">8235.76</cbc:TaxExclusiveAmount>", with: ">8236.76</cbc:TaxExclusiveAmount>") }, ["F-INV127"])
    }

    func testInvoiceWithCreditNoteTypeCodeIsRefused() throws {
        let rules = try fatal { $0.replacingOccurrences(of: ">380</cbc:InvoiceTypeCode>", with: ">381</cbc:InvoiceTypeCode>") }
        // F-INV011: the code list urn:oioubl:codelist:invoicetypecode-1.1 the code names in its listID (325, 380, 393).
        XCTAssertEqual(rules, ["F-INV011"])
    }

    func testEveryInvoiceLineHasOnePrice() throws {
        let removed = try fatal { t in
            guard let r = t.range(of: #"<cac:Price>[\s\S]*?</cac:Price>"#, options: .regularExpression) else { return t }
            return t.replacingCharacters(in: r, with: "")
        }
        XCTAssertTrue(removed.contains("F-INV139"), "\(removed)")
        // A Price without PriceAmount still counts as the one Price.
        let noAmount = try fatal { t in
            guard let r = t.range(of: #"<cbc:PriceAmount[^>]*>[^<]*</cbc:PriceAmount>"#, options: .regularExpression) else { return t }
            return t.replacingCharacters(in: r, with: "")
        }
        XCTAssertFalse(noAmount.contains("F-INV139"), "\(noAmount)")
    }

    func testPayableAmount() throws {
        XCTAssertEqual(try fatal { $0.replacingOccurrences(of: ">41178.80</cbc:PayableAmount>", with: ">41178.81</cbc:PayableAmount>") }, ["F-INV133"])
    }
}
