import BilagCore
import BilagFormats
import BilagValidation
import Foundation
import XCTest

/// The lexical form is part of the verdict (issue 17): what a document writes, as written, decides the official
/// rules; bilag keeps it (`LexicalFacts`) for validation while the canonical invoice stays tolerant. Each test
/// changes one thing in a valid corpus document and checks the rule the official validator raises for it (as the
/// differential harness measured with the official Schematron).
final class ValidationLexicalTests: XCTestCase {
    static let ublBase = "peppol-bis3/examples/base-example.xml"
    static let ciiBase = "en16931-cii/examples/CII_example1.xml"

    func fatal(_ file: String, _ change: (String) -> String) throws -> (Set<String>, ParsedDocument) {
        let url = ValidationAgreementTests.corpus.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        let changed = change(text)
        XCTAssertNotEqual(changed, text, "the change applies")
        let doc = try DocumentParser.parse(Data(changed.utf8))
        let report = Validator().validate(doc)
        return (Set(report.issues.filter { $0.severity == .fatal }.map(\.ruleID)), doc)
    }

    func testTheBasesAreValid() throws {
        XCTAssertEqual(try fatal(Self.ublBase) { $0 + " " }.0, [])
        XCTAssertEqual(try fatal(Self.ciiBase) { $0 + " " }.0, [])
    }

    func testPaddedAmountHasTheDecimalsTheOfficialRulesCount() throws {
        let (rules, doc) = try fatal(Self.ublBase) {
            $0.replacingOccurrences(of: #"<cbc:LineExtensionAmount currencyID="EUR">1300</cbc:LineExtensionAmount>"#,
                                    with: #"<cbc:LineExtensionAmount currencyID="EUR"> 1300.00 </cbc:LineExtensionAmount>"#)
        }
        XCTAssertEqual(rules, ["UBL-DT-01", "BR-DEC-09"])
        XCTAssertEqual(doc.invoice.totals.sumOfInvoiceLineNetAmount?.description, "1300.00", "the robots still read the value")
    }

    func testPaddedDocumentCurrencyBreaksR051AndBRCO15() throws {
        let (rules, doc) = try fatal(Self.ublBase) {
            $0.replacingOccurrences(of: "<cbc:DocumentCurrencyCode>EUR<", with: "<cbc:DocumentCurrencyCode> EUR <")
        }
        XCTAssertEqual(rules, ["BR-CO-15", "PEPPOL-EN16931-R051"])
        XCTAssertEqual(doc.invoice.documentCurrencyCode?.code, "EUR")
    }

    func testAmountInAnotherCurrency() throws {
        let (rules, _) = try fatal(Self.ublBase) {
            $0.replacingOccurrences(of: #"<cbc:LineExtensionAmount currencyID="EUR">1300<"#, with: #"<cbc:LineExtensionAmount currencyID="SEK">1300<"#)
        }
        XCTAssertEqual(rules, ["PEPPOL-EN16931-R051"])
    }

    func testTwoVATTotalsInTheDocumentCurrency() throws {
        let (rules, _) = try fatal(Self.ublBase) { t in
            guard let r = t.range(of: #"<cac:TaxTotal>[\s\S]*?</cac:TaxTotal>"#, options: .regularExpression) else { return t }
            return t.replacingCharacters(in: r, with: String(t[r]) + String(t[r]))
        }
        XCTAssertTrue(rules.contains("BR-CO-15"), "\(rules)")
    }

    func testEmptyElementIsRejectedByPeppol() throws {
        let (rules, _) = try fatal(Self.ublBase) {
            $0.replacingOccurrences(of: "<cbc:Note>Payment within 10 days, 2% discount</cbc:Note>", with: "<cbc:Note></cbc:Note>")
        }
        XCTAssertEqual(rules, ["PEPPOL-EN16931-R008"])
    }

    func testDateWithAZoneIsRejectedByPeppol() throws {
        let (rules, doc) = try fatal(Self.ublBase) {
            $0.replacingOccurrences(of: "<cbc:IssueDate>2017-11-13<", with: "<cbc:IssueDate>2017-11-13+01:00<")
        }
        XCTAssertEqual(rules, ["PEPPOL-EN16931-F001"])
        XCTAssertEqual(doc.invoice.issueDate?.description, "2017-11-13")
    }

    func testUBLInvoiceWithACreditNoteTypeCodeIsRejected() throws {
        let (rules, _) = try fatal(Self.ublBase) {
            $0.replacingOccurrences(of: "<cbc:InvoiceTypeCode>380<", with: "<cbc:InvoiceTypeCode>381<")
        }
        XCTAssertTrue(rules.isSuperset(of: ["BR-CL-01", "PEPPOL-EN16931-P0100"]), "\(rules)")
        XCTAssertFalse(rules.contains("PEPPOL-EN16931-P0101"))
    }

    func testEmptyAmountIsAFormatError() throws {
        let (rules, _) = try fatal(Self.ciiBase) { t in
            guard let r = t.range(of: #"<ram:LineTotalAmount>[^<]*</ram:LineTotalAmount>"#, options: .regularExpression) else { return t }
            return t.replacingCharacters(in: r, with: "<ram:LineTotalAmount></ram:LineTotalAmount>")
        }
        XCTAssertTrue(rules.contains("BILAG-FORMAT"), "\(rules)")
    }

    func testCIITaxTypeCodeMustBeVAT() throws {
        let (rules, _) = try fatal(Self.ciiBase) { $0.replacingOccurrences(of: "<ram:TypeCode>VAT</ram:TypeCode>", with: "<ram:TypeCode>MVA</ram:TypeCode>") }
        XCTAssertTrue(rules.contains("CII-DT-037"), "\(rules)")
    }

    func testCIIIssueDateNeedsFormat102() throws {
        let (rules, doc) = try fatal(Self.ciiBase) {
            $0.replacingOccurrences(of: #"<udt:DateTimeString format="102">20150109<"#, with: #"<udt:DateTimeString>20150109<"#)
        }
        XCTAssertEqual(rules, ["BR-03"])
        XCTAssertNotNil(doc.invoice.issueDate, "the robots still read the date")
    }

    func testCIIDateWithFormat102MustBeYYYYMMDD() throws {
        let (rules, _) = try fatal(Self.ciiBase) {
            $0.replacingOccurrences(of: #"<udt:DateTimeString format="102">20150109<"#, with: #"<udt:DateTimeString format="102">20151309<"#)
        }
        XCTAssertTrue(rules.contains("CII-DT-097"), "\(rules)")
    }
}

/// Code lists, syntax rules and category codes judged as written (issue 17).
extension ValidationLexicalTests {
    func testEndpointSchemeAsWritten() throws {
        XCTAssertEqual(try fatal(Self.ublBase) { $0.replacingOccurrences(of: #"<cbc:EndpointID schemeID="0088">"#, with: #"<cbc:EndpointID schemeID=" 0088 ">"#) }.0,
                       ["PEPPOL-EN16931-CL008"])
    }

    func testEveryAmountHasAnISOCurrencyID() throws {
        XCTAssertEqual(try fatal(Self.ublBase) { $0.replacingOccurrences(of: #"<cbc:LineExtensionAmount currencyID="EUR">1300<"#, with: "<cbc:LineExtensionAmount>1300<") }.0,
                       ["BR-CL-03", "PEPPOL-EN16931-CL007", "PEPPOL-EN16931-R051"])
    }

    func testOnePaymentIDValue() throws {
        let rules = try fatal(Self.ublBase) { $0.replacingOccurrences(of: "<cbc:PaymentID>Snippet1</cbc:PaymentID>", with: "<cbc:PaymentID>Snippet1</cbc:PaymentID><cbc:PaymentID>Snippet2</cbc:PaymentID>") }.0
        XCTAssertTrue(rules.contains("UBL-SR-44"), "\(rules)") // officially also UBL-SR-26 (not implemented)
    }

    func testCIICategoryCodeAsWritten() throws {
        // ` S ` is no S for the official rules: the line drops out of the S sum (BR-S-08); the robots still read S.
        let (rules, doc) = try fatal(Self.ciiBase) { t in
            t.range(of: "<ram:CategoryCode>S</ram:CategoryCode>").map { t.replacingCharacters(in: $0, with: "<ram:CategoryCode> S </ram:CategoryCode>") } ?? t
        }
        XCTAssertEqual(rules, ["BR-S-08"])
        XCTAssertEqual(doc.invoice.lines[0].vatCategoryCode, "S")
    }

    func testCIIPeriodDatesNeedFormat102() throws {
        let (rules, _) = try fatal("en16931-cii/examples/CII_example2.xml") {
            $0.replacingOccurrences(of: "<udt:DateTimeString format=\"102\">20130601</udt:DateTimeString>\n                    </ram:StartDateTime>",
                                    with: "<udt:DateTimeString format=\"610\">20130601</udt:DateTimeString>\n                    </ram:StartDateTime>")
        }
        XCTAssertEqual(rules, ["BR-30"])
    }

    func testCIIAllowanceAmountDecimalsAsWritten() throws {
        // A line allowance's ActualAmount ` 12.00 ` has three characters after the point as written: BR-DEC-24.
        let (rules, _) = try fatal("en16931-cii/examples/CII_example2.xml") { t in
            t.range(of: "<ram:ActualAmount>12</ram:ActualAmount>").map { t.replacingCharacters(in: $0, with: "<ram:ActualAmount> 12.00 </ram:ActualAmount>") } ?? t
        }
        XCTAssertEqual(rules, ["BR-DEC-24"])
    }
}
