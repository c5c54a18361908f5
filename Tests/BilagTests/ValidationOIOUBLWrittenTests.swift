import BilagCore
import BilagFormats
import BilagValidation
import Foundation
import XCTest

/// The official OIOUBL rules stated on the document as written (issue 17), one family per test: each change to a
/// valid corpus invoice and the exact set of fatal rule ids the official OIOUBL Schematron 1.12.2 gives for it
/// (checked with SaxonC, as the differential harness runs it).
extension ValidationOIOUBLTests {
    func replacing(_ a: String, _ b: String) -> (String) -> String { { $0.replacingOccurrences(of: a, with: b) } }
    func once(_ a: String, _ b: String) -> (String) -> String {
        { t in t.range(of: a).map { t.replacingCharacters(in: $0, with: b) } ?? t }
    }

    func testDocumentHeaderRules() throws {
        XCTAssertEqual(try fatal(Self.base, once("<cbc:UBLVersionID>2.1<", "<cbc:UBLVersionID>2.2<")), ["F-LIB001"])
        XCTAssertEqual(try fatal(Self.base, once("<cbc:CustomizationID>OIOUBL-2.1<", "<cbc:CustomizationID>OIOUBL-2.3<")), ["F-LIB002"])
        // ProfileID from the list its schemeID (urn:oioubl:id:profileid-1.4) names.
        XCTAssertEqual(try fatal(Self.base, once("profile5:ver2.0</cbc:ProfileID>", "profile99:ver2.0</cbc:ProfileID>")), ["F-LIB325"])
        XCTAssertEqual(try fatal(Self.base, once("<cbc:ID>NA</cbc:ID>", "<cbc:ID> </cbc:ID>")), ["F-INV024"])
    }

    func testCurrencyCodeListAndCurrencyIDs() throws {
        XCTAssertEqual(try fatal(Self.base, once("<cbc:DocumentCurrencyCode>DKK<", "<cbc:DocumentCurrencyCode>XXX<")), ["F-INV012", "F-INV013", "F-INV014", "F-LIB298"])
        XCTAssertEqual(try fatal(Self.base, once(#"<cbc:LineExtensionAmount currencyID="DKK">31676.00<"#, #"<cbc:LineExtensionAmount currencyID="SEK">31676.00<"#)), ["F-INV012"])
    }

    func testTaxCategoryAndSchemeRules() throws {
        XCTAssertEqual(try fatal(Self.base, once(">StandardRated</cbc:ID>", ">Standard</cbc:ID>")), ["F-LIB309"])
        XCTAssertEqual(try fatal(Self.base, once("<cbc:Name>Moms</cbc:Name>", "<cbc:Name>VAT</cbc:Name>")), ["F-LIB198"])
        XCTAssertEqual(try fatal(Self.base, once("<cbc:TaxAmount currencyID=\"DKK\">8235.76</cbc:TaxAmount>\n      <cac:TaxCategory>",
                                      "<cbc:TaxAmount currencyID=\"DKK\">8235.760</cbc:TaxAmount>\n      <cac:TaxCategory>")), ["F-LIB263"])
        let zeroRated = #"<cac:TaxTotal><cbc:TaxAmount currencyID="DKK">0.00</cbc:TaxAmount><cac:TaxSubtotal><cbc:TaxableAmount currencyID="DKK">0.00</cbc:TaxableAmount><cbc:TaxAmount currencyID="DKK">0.00</cbc:TaxAmount><cac:TaxCategory><cbc:ID schemeAgencyID="320" schemeID="urn:oioubl:id:taxcategoryid-1.1">ZeroRated</cbc:ID><cbc:Percent>0</cbc:Percent><cac:TaxScheme><cbc:ID schemeAgencyID="320" schemeID="urn:oioubl:id:taxschemeid-1.2">63</cbc:ID><cbc:Name>Moms</cbc:Name></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal></cac:TaxTotal><cac:TaxTotal>"#
        XCTAssertEqual(try fatal(Self.base, once("<cac:TaxTotal>", zeroRated)), ["F-LIB306", "F-LIB314"])
    }

    func testPaymentMeansRules() throws {
        XCTAssertEqual(try fatal(Self.base, once("<cbc:PaymentMeansCode>97<", "<cbc:PaymentMeansCode>ZZZ<")), ["F-LIB100"])
        // FIK without payment id, creditor or the DK:FIK channel.
        XCTAssertEqual(try fatal(Self.base, once("<cbc:PaymentMeansCode>97<", "<cbc:PaymentMeansCode>93<")), ["F-LIB152", "F-LIB155", "F-LIB277", "F-LIB305"])
        // Bank transfer without an account.
        XCTAssertEqual(try fatal(Self.base, once("<cbc:PaymentMeansCode>97<", "<cbc:PaymentMeansCode>42<")), ["F-LIB125", "F-LIB126", "F-LIB127", "F-LIB128", "F-LIB311"])
        XCTAssertEqual(try fatal("oioubl/parse/dk-bank.xml"), [])
    }

    func testPartyRules() throws {
        XCTAssertEqual(try fatal(Self.base, once(#"<cbc:EndpointID schemeID="DK:CVR">DK10000009<"#, #"<cbc:EndpointID schemeID="DK:CVR">10000009<"#)), ["F-LIB180"])
        XCTAssertEqual(try fatal(Self.base, once(#"<cbc:EndpointID schemeID="DK:CVR">DK10000009<"#, #"<cbc:EndpointID schemeID="XX">DK10000009<"#)), ["F-LIB179"])
        XCTAssertEqual(try fatal(Self.base, once(#"<cbc:CompanyID schemeID="DK:SE">DK10000009<"#, #"<cbc:CompanyID schemeID="DK:XX">DK10000009<"#)), ["F-LIB195"])
        // The customer's Contact: exactly one, with an ID, and not empty.
        XCTAssertEqual(try fatal(Self.base, once("<cac:Contact>", "<cac:Contact/><cac:Contact>")), ["F-INV046", "F-INV051", "F-LIB235"])
    }

    func testLineAmountIsQuantityTimesPrice() throws {
        // Within 1.00 of quantity × price passes (F-INV126 still sums the lines exactly).
        XCTAssertEqual(try fatal(Self.base, once(#"<cbc:LineExtensionAmount currencyID="DKK">1267.04<"#, #"<cbc:LineExtensionAmount currencyID="DKK">1268.04<"#)), ["F-INV126"])
        XCTAssertEqual(try fatal(Self.base, once(#"<cbc:LineExtensionAmount currencyID="DKK">1267.04<"#, #"<cbc:LineExtensionAmount currencyID="DKK">1269.04<"#)), ["F-INV126", "F-INV348"])
    }

    func testTotalsAsWritten() throws {
        // format-number(-0.00, '##.00') is '-.00': a negative zero TaxExclusiveAmount differs from the sum 0.00.
        XCTAssertEqual(try fatal("oioubl/parse/cpr-supplier.xml", once(#"<cbc:TaxExclusiveAmount currencyID="DKK">0.00<"#, #"<cbc:TaxExclusiveAmount currencyID="DKK">-0.00<"#)), ["F-INV127"])
        XCTAssertEqual(try fatal(Self.base, once(#"<cbc:TaxExclusiveAmount currencyID="DKK">8235.76<"#, #"<cbc:TaxExclusiveAmount currencyID="DKK"><"#)), ["F-INV127", "F-LIB014"])
        XCTAssertEqual(try fatal(Self.base, once(#"<cbc:TaxInclusiveAmount currencyID="DKK">41178.80<"#, #"<cbc:TaxInclusiveAmount currencyID="DKK">-41178.80<"#)), ["F-INV128", "F-LIB016"])
    }

    func testEmptyPriceIsAWarningUnderOIOUBL() throws {
        // The official OIOUBL rules accept an empty PriceAmount (line arithmetic on NaN is false); bilag warns.
        XCTAssertEqual(try fatal(Self.base, once(#"<cbc:PriceAmount currencyID="DKK">31676.00<"#, #"<cbc:PriceAmount currencyID="DKK"><"#)), [])
    }

    func testCreditNoteIsValid() throws {
        XCTAssertEqual(try fatal("oioubl/parse/credit-note.xml"), [])
    }
}
