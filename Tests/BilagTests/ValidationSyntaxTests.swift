import BilagCore
import BilagFormats
import BilagValidation
import Foundation
import XCTest

/// The syntax rules and bindings where bilag read more tolerantly than the official rules (issue 17): each test
/// changes one thing in a valid corpus document and checks the official verdict (as measured with the official
/// Schematron by the differential harness).
final class ValidationSyntaxTests: XCTestCase {
    static let ubl = "peppol-bis3/examples/base-example.xml"
    static let cii = "en16931-cii/examples/CII_business_example_01.xml"

    func fatal(_ file: String, _ change: (String) -> String) throws -> Set<String> {
        let text = try String(contentsOf: ValidationAgreementTests.corpus.appendingPathComponent(file), encoding: .utf8)
        let changed = change(text)
        XCTAssertNotEqual(changed, text, "the change applies")
        let report = Validator().validate(try DocumentParser.parse(Data(changed.utf8)))
        return Set(report.issues.filter { $0.severity == .fatal }.map(\.ruleID))
    }

    func testPaymentMeansCodesMustAgree() throws {
        let ubl = try fatal(Self.ubl) { t in
            guard let r = t.range(of: #"<cac:PaymentMeans>[\s\S]*?</cac:PaymentMeans>"#, options: .regularExpression) else { return t }
            let second = t[r].replacingOccurrences(of: ">30<", with: ">58<").replacingOccurrences(of: #" name="Credit transfer""#, with: "")
            return t.replacingCharacters(in: r, with: String(t[r]) + second)
        }
        XCTAssertEqual(ubl, ["UBL-SR-47"])
        let cii = try fatal(Self.cii) { t in
            guard let r = t.range(of: #"<ram:SpecifiedTradeSettlementPaymentMeans>[\s\S]*?</ram:SpecifiedTradeSettlementPaymentMeans>"#, options: .regularExpression) else { return t }
            let second = t[r].replacingOccurrences(of: #"<ram:TypeCode>\d+</ram:TypeCode>"#, with: "<ram:TypeCode>1</ram:TypeCode>", options: .regularExpression)
            return t.replacingCharacters(in: r, with: String(t[r]) + second)
        }
        XCTAssertTrue(cii.contains("CII-SR-467"), "\(cii)")
    }

    func testSellerVATIdentifierOccursOnce() throws {
        let rules = try fatal(Self.ubl) { t in
            guard let r = t.range(of: #"<cac:PartyTaxScheme>[\s\S]*?</cac:PartyTaxScheme>"#, options: .regularExpression) else { return t }
            return t.replacingCharacters(in: r, with: String(t[r]) + String(t[r]))
        }
        XCTAssertEqual(rules, ["UBL-SR-12"])
    }

    func testPartyTaxSchemeNeedsCompanyID() throws {
        let rules = try fatal(Self.ubl) { $0.replacingOccurrences(of: "<cbc:CompanyID>GB1232434</cbc:CompanyID>", with: "") }
        XCTAssertTrue(rules.contains("UBL-SR-53"), "\(rules)")
    }

    func testPaymentTermsOccurOnce() throws {
        let rules = try fatal(Self.ubl) {
            $0.replacingOccurrences(of: "<cbc:Note>Payment within 10 days, 2% discount</cbc:Note>\n    </cac:PaymentTerms>",
                                    with: "<cbc:Note>Payment within 10 days, 2% discount</cbc:Note><cbc:Note>Net 30</cbc:Note>\n    </cac:PaymentTerms>")
        }
        XCTAssertEqual(rules, ["UBL-SR-05"])
    }

    func testBooleanInCapitalsIsNotAnXSBoolean() throws {
        let rules = try fatal(Self.ubl) { $0.replacingOccurrences(of: "<cbc:ChargeIndicator>true</cbc:ChargeIndicator>", with: "<cbc:ChargeIndicator>TRUE</cbc:ChargeIndicator>") }
        XCTAssertEqual(rules, ["BILAG-FORMAT"])
    }

    func testTwoLegalMonetaryTotalsAreAFormatError() throws {
        let rules = try fatal(Self.ubl) { t in
            guard let r = t.range(of: #"<cac:LegalMonetaryTotal>[\s\S]*?</cac:LegalMonetaryTotal>"#, options: .regularExpression) else { return t }
            return t.replacingCharacters(in: r, with: String(t[r]) + String(t[r]))
        }
        XCTAssertEqual(rules, ["BILAG-FORMAT"])
    }

    /// An element written twice where the rules read one value is found with its path and whether the official or
    /// only the PEPPOL rules stop on it; a clean document has no such finding (the path is put together only then).
    func testARepeatedElementIsFoundWithItsPath() throws {
        let text = try String(contentsOf: ValidationAgreementTests.corpus.appendingPathComponent(Self.ubl), encoding: .utf8)
        func repeatedFindings(_ t: String) throws -> Set<String> {
            let doc = try DocumentParser.parse(Data(t.utf8))
            return Set(doc.lexical.syntax.filter { $0.rule.hasPrefix(LexicalFacts.repeated) }.map { "\($0.rule) \($0.path)" })
        }
        XCTAssertEqual(try repeatedFindings(text), [])
        func twice(_ t: String, _ pattern: String) -> String {
            guard let r = t.range(of: pattern, options: .regularExpression) else { XCTFail("no \(pattern)"); return t }
            return t.replacingCharacters(in: r, with: String(t[r]) + String(t[r]))
        }
        var changed = twice(text, #"<cbc:PayableAmount [^<]*</cbc:PayableAmount>"#)
        changed = twice(changed, #"<cac:Country>[\s\S]*?</cac:Country>"#)
        // The buyer's country too: the first after the buyer's party begins.
        if let buyer = changed.range(of: "<cac:AccountingCustomerParty>") {
            changed = String(changed[..<buyer.lowerBound]) + twice(String(changed[buyer.lowerBound...]), #"<cac:Country>[\s\S]*?</cac:Country>"#)
        }
        changed = twice(changed, #"<cbc:PriceAmount [^<]*</cbc:PriceAmount>"#)
        XCTAssertEqual(try repeatedFindings(changed), [
            "repeated cac:LegalMonetaryTotal/cbc:PayableAmount",
            "repeated cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country",
            "repeated cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country",
            "repeated-peppol cac:Price/cbc:PriceAmount",
        ])
    }

    /// BR-CO-25 (and BR-66/BR-67) are in the CEN Schematron sources but not in the official validation XSLT 1.3.16
    /// nor in PEPPOL: a document without due date and payment terms passes.
    func testNoDueDateNorPaymentTermsIsAccepted() throws {
        let rules = try fatal(Self.ubl) { t in
            t.replacingOccurrences(of: "<cbc:DueDate>2017-12-01</cbc:DueDate>", with: "")
                .replacingOccurrences(of: #"<cac:PaymentTerms>[\s\S]*?</cac:PaymentTerms>"#, with: "", options: .regularExpression)
        }
        XCTAssertEqual(rules, [])
    }

    /// EN 16931 CII takes only `schemeID="VA"` as the seller's VAT identifier (BT-31).
    func testCIISellerVATIdentifierNeedsSchemeVA() throws {
        let rules = try fatal(Self.cii) { $0.replacingOccurrences(of: #"schemeID="VA""#, with: #"schemeID="0088""#) }
        XCTAssertEqual(rules, ["BR-S-02", "BR-E-02", "BR-56", "BR-S-03", "BR-S-04"], "as the official CII validation XSLT")
    }

    func testSplitPaymentIsItalianAndNeverBesideStandardRated() throws {
        // One line's category S → B outside Italy: the official rules give BR-B-01, BR-B-02 (S elsewhere) and BR-S-08.
        let ubl = try fatal(Self.ubl) { t in
            guard let r = t.range(of: #"<cac:ClassifiedTaxCategory>\s*<cbc:ID>S</cbc:ID>"#, options: .regularExpression) else { return t }
            return t.replacingCharacters(in: r, with: t[r].replacingOccurrences(of: ">S<", with: ">B<"))
        }
        XCTAssertEqual(ubl, ["BR-B-01", "BR-B-02", "BR-S-08"])
        let cii = try fatal("en16931-cii/examples/CII_example4.xml") { t in
            guard let r = t.range(of: "<ram:CategoryCode>S</ram:CategoryCode>") else { return t }
            return t.replacingCharacters(in: r, with: "<ram:CategoryCode>B</ram:CategoryCode>")
        }
        XCTAssertEqual(cii, ["BR-B-01", "BR-B-02", "BR-S-08"])
    }
}
