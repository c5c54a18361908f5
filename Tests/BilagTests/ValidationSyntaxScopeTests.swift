import BilagCore
import BilagFormats
import BilagValidation
import Foundation
import XCTest

/// The official EN 16931 and PEPPOL rules are published once per syntax, and the UBL and CII sets differ (issue 17:
/// P0112, R046 and the other UBL-only rules were checked on CII too; DK-R-013 read a CII party's `ram:ID`, which needs
/// no scheme, and DK-R-008/DK-R-010 read a `ProprietaryID` as the account where the CII rules read `IBANID` only).
/// The PEPPOL CII documents below are an EN 16931 CII example declared PEPPOL BIS 3, seller and buyer in Denmark;
/// each expected verdict was taken from the official Schematron (SaxonC-HE) on the same bytes.
final class ValidationSyntaxScopeTests: XCTestCase {
    /// The rule ids the official files of one syntax state, read from `shared/corpus/schematron`.
    static func officialIDs(_ files: [String]) throws -> Set<String> {
        var ids = Set<String>()
        // Schematron asserts (`<assert id="…"`) and the compiled XSLT's (`<xsl:attribute name="id">…<`).
        let pattern = try NSRegularExpression(pattern: #"(?:<assert\b[^>]*\bid="|<xsl:attribute name="id">)([A-Z][A-Za-z0-9-]*)"#)
        for file in files {
            let text = try String(contentsOf: ValidationAgreementTests.corpus.appendingPathComponent("schematron/" + file), encoding: .utf8)
            for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                ids.insert(String(text[Range(m.range(at: 1), in: text)!]))
            }
        }
        return ids
    }

    func testEveryRuleBilagChecksInASyntaxIsStatedByThatSyntaxsOfficialRules() throws {
        for (syntax, name) in [(Syntax.ubl, "UBL"), (.cii, "CII")] {
            let cen = try Self.officialIDs(["CEN-EN16931-\(name).sch", "EN16931-\(name)-validation.xslt"])
            let peppol = try cen.union(Self.officialIDs(["PEPPOL-EN16931-\(name).sch"]))
            XCTAssertGreaterThan(cen.count, 150, "the official \(name) rules were read")
            for (profile, official) in [(Profile.en16931, cen), (.peppolBis3, peppol)] {
                let extra = Validator.implementedRuleIDs(for: profile, syntax: syntax).filter { !$0.hasPrefix("BILAG-") && !official.contains($0) }
                XCTAssertEqual(extra.sorted(), [], "\(profile) in \(name): rules the official \(name) files do not state")
            }
        }
        // And nothing the official files of a syntax state was dropped from it.
        let ubl = Validator.implementedRuleIDs(for: .peppolBis3, syntax: .ubl)
        let cii = Validator.implementedRuleIDs(for: .peppolBis3, syntax: .cii)
        XCTAssertTrue(ubl.contains("PEPPOL-EN16931-P0112") && ubl.contains("PEPPOL-EN16931-R046"))
        XCTAssertTrue(cii.contains("PEPPOL-EN16931-R053") && cii.contains("DK-R-013") && cii.contains("NO-R-001"))
    }

    // MARK: PEPPOL CII documents

    static let peppolCII: String = {
        let url = ValidationAgreementTests.corpus.appendingPathComponent("en16931-cii/examples/CII_business_example_01.xml")
        var t = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        t = t.replacingOccurrences(of: #"(GuidelineSpecifiedDocumentContextParameter>\s*<ram:ID>)[^<]*"#,
                                   with: "$1urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0", options: .regularExpression)
        return t.replacingOccurrences(of: "<ram:CountryID>NO</ram:CountryID>", with: "<ram:CountryID>DK</ram:CountryID>")
    }()

    /// The fatal rules bilag finds in the PEPPOL CII document after `change`, among `watched`.
    func fatal(_ change: (String) -> String, _ watched: Set<String>) throws -> Set<String> {
        let changed = change(Self.peppolCII)
        XCTAssertNotEqual(changed, Self.peppolCII, "the change applies")
        let report = Validator().validate(try DocumentParser.parse(Data(changed.utf8)))
        XCTAssertEqual(report.profile, .peppolBis3)
        return Set(report.issues.filter { $0.severity == .fatal && watched.contains($0.ruleID) }.map(\.ruleID))
    }

    func replace(_ pattern: String, _ with: String) -> (String) -> String {
        { $0.replacingOccurrences(of: pattern, with: with, options: .regularExpression) }
    }

    func testUBLOnlyRulesAreNotCheckedOnCII() throws {
        let watched: Set<String> = ["PEPPOL-EN16931-P0112", "PEPPOL-EN16931-R046"]
        // The example's prices have a gross price and a discount; the official CII rules have no R046.
        XCTAssertEqual(try fatal({ $0 + " " }, watched), [])
        // Type code 384 between Danish parties: P0112 is a UBL rule.
        XCTAssertEqual(try fatal(replace(#"<ram:TypeCode>380</ram:TypeCode>"#, "<ram:TypeCode>384</ram:TypeCode>"), watched), [])
    }

    func testDKR013ReadsTheCIIPartiesGlobalIDsOnly() throws {
        let watched: Set<String> = ["DK-R-013"]
        let seller = "<ram:SellerTradeParty>"
        let global = #"<ram:GlobalID schemeID="0088">1238764941386</ram:GlobalID>"#
        XCTAssertEqual(try fatal({ $0 + " " }, watched), [])
        XCTAssertEqual(try fatal(replace(seller, seller + "<ram:ID>12345</ram:ID>"), watched), [], "a ram:ID needs no scheme")
        XCTAssertEqual(try fatal(replace(seller, seller + "<ram:GlobalID>5790000435975</ram:GlobalID>"), watched), [],
                       "the official rule normalizes the one schemeID written among the seller's GlobalIDs")
        XCTAssertEqual(try fatal(replace(global, "<ram:GlobalID>1238764941386</ram:GlobalID>"), watched), ["DK-R-013"])
        XCTAssertEqual(try fatal(replace(global, #"<ram:GlobalID schemeID=" ">1238764941386</ram:GlobalID>"#), watched), ["DK-R-013"])
    }

    func testDKGiroAndFIKAccountsAreTheCIIIBANID() throws {
        let watched: Set<String> = ["DK-R-008", "DK-R-010"]
        func giro(_ code: String, _ reference: String, _ account: String) -> (String) -> String {
            { t in
                var t = t.replacingOccurrences(of: #"<ram:SpecifiedTradeSettlementPaymentMeans>[\s\S]*</ram:SpecifiedTradeSettlementPaymentMeans>"#,
                                               with: "<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>\(code)</ram:TypeCode><ram:PayeePartyCreditorFinancialAccount>\(account)</ram:PayeePartyCreditorFinancialAccount></ram:SpecifiedTradeSettlementPaymentMeans>",
                                               options: .regularExpression)
                t = t.replacingOccurrences(of: #"<ram:PaymentReference>[^<]*</ram:PaymentReference>"#,
                                           with: "<ram:PaymentReference>\(reference)</ram:PaymentReference>", options: .regularExpression)
                return t
            }
        }
        XCTAssertEqual(try fatal(giro("50", "01#1234567890123456", "<ram:IBANID>1234567</ram:IBANID>"), watched), [])
        XCTAssertEqual(try fatal(giro("50", "01#1234567890123456", "<ram:ProprietaryID>1234567</ram:ProprietaryID>"), watched), ["DK-R-008"])
        XCTAssertEqual(try fatal(giro("93", "71#123456789012345", "<ram:IBANID>12345678</ram:IBANID>"), watched), [])
        XCTAssertEqual(try fatal(giro("93", "71#123456789012345", "<ram:ProprietaryID>12345678</ram:ProprietaryID>"), watched), ["DK-R-010"])
    }

    func testPeppolCIIValuesAsWritten() throws {
        // R053/R054: the header VAT total in another currency than the invoice's, as written.
        let total = try XCTUnwrap(Self.peppolCII.range(of: #"<ram:TaxTotalAmount currencyID="[A-Z]+">"#, options: .regularExpression))
        let other = String(Self.peppolCII[total]).replacingOccurrences(of: #"currencyID="[A-Z]+""#, with: #"currencyID="SEK""#, options: .regularExpression)
        XCTAssertEqual(try fatal({ $0.replacingCharacters(in: total, with: other) }, ["PEPPOL-EN16931-R053", "PEPPOL-EN16931-R054"]),
                       ["PEPPOL-EN16931-R053", "PEPPOL-EN16931-R054"])
        // PEPPOL-COMMON-R040: an empty GLN is no GLN (the model drops the empty identifier).
        XCTAssertEqual(try fatal(replace(#"<ram:GlobalID schemeID="0088">1234567890128</ram:GlobalID>"#, #"<ram:GlobalID schemeID="0088"></ram:GlobalID>"#),
                                 ["PEPPOL-COMMON-R040"]), ["PEPPOL-COMMON-R040"])
        // CL008: the electronic address scheme as written.
        func address(_ scheme: String) -> (String) -> String {
            { $0.replacingOccurrences(of: "<ram:SellerTradeParty>", with: "<ram:SellerTradeParty><ram:URIUniversalCommunication><ram:URIID schemeID=\"\(scheme)\">5790000435975</ram:URIID></ram:URIUniversalCommunication>") }
        }
        XCTAssertEqual(try fatal(address("0088"), ["PEPPOL-EN16931-CL008"]), [])
        XCTAssertEqual(try fatal(address("0088 "), ["PEPPOL-EN16931-CL008"]), ["PEPPOL-EN16931-CL008"])
        // A line's quantity written twice stops PEPPOL's R120 (not the EN 16931 rules).
        let twice: (String) -> String = { $0.replacingOccurrences(of: #"<ram:BilledQuantity unitCode="NAR">2</ram:BilledQuantity>"#,
                                                                  with: #"<ram:BilledQuantity unitCode="NAR">2</ram:BilledQuantity><ram:BilledQuantity unitCode="NAR">2</ram:BilledQuantity>"#) }
        XCTAssertEqual(try fatal(twice, ["BILAG-FORMAT"]), ["BILAG-FORMAT"])
        let en16931 = twice(Self.peppolCII).replacingOccurrences(of: "#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0", with: "")
        let report = Validator().validate(try DocumentParser.parse(Data(en16931.utf8)))
        XCTAssertEqual(report.profile, .en16931)
        XCTAssertFalse(report.issues.contains { $0.ruleID == "BILAG-FORMAT" && $0.severity == .fatal }, "\(report.issues.map(\.ruleID))")
    }
}
