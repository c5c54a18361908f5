import XCTest

/// The direct debit rules of the OIOUBL Invoice stylesheet (F-LIB290…295: the payer's account for PaymentMeansCode
/// 49, by its channel), on `dk-bank.xml` with its bank transfer turned into a direct debit. Each expected set is the
/// one the official OIOUBL Schematron 1.12.2 gives (SaxonC, as the differential harness runs it).
extension ValidationOIOUBLTests {
    static let directDebit = "oioubl/parse/dk-bank.xml"

    /// Code 49 with `channel`, and the payer's account written before the payee's (nil: none).
    func directDebit(_ channel: String, payer: String?) -> (String) -> String {
        { text in
            var t = text.replacingOccurrences(of: "<cbc:PaymentMeansCode>42<", with: "<cbc:PaymentMeansCode>49<")
                .replacingOccurrences(of: ">DK:BANK</cbc:PaymentChannelCode>", with: ">\(channel)</cbc:PaymentChannelCode>")
            if let payer { t = t.replacingOccurrences(of: "<cac:PayeeFinancialAccount>", with: payer + "<cac:PayeeFinancialAccount>") }
            return t
        }
    }

    func payer(_ id: String, branch: String? = nil, institution: String? = nil) -> String {
        var s = "<cac:PayerFinancialAccount><cbc:ID>\(id)</cbc:ID>"
        if branch != nil || institution != nil {
            s += "<cac:FinancialInstitutionBranch>"
            if let branch { s += "<cbc:ID>\(branch)</cbc:ID>" }
            if let institution { s += "<cac:FinancialInstitution><cbc:ID>\(institution)</cbc:ID></cac:FinancialInstitution>" }
            s += "</cac:FinancialInstitutionBranch>"
        }
        return s + "</cac:PayerFinancialAccount>"
    }

    func testDirectDebitByBank() throws {
        XCTAssertEqual(try fatal(Self.directDebit, directDebit("DK:BANK", payer: nil)), ["F-LIB290", "F-LIB291"])
        XCTAssertEqual(try fatal(Self.directDebit, directDebit("DK:BANK", payer: payer("12345", branch: "123"))), ["F-LIB290", "F-LIB291"])
        XCTAssertEqual(try fatal(Self.directDebit, directDebit("DK:BANK", payer: payer("1234567890", branch: "1234"))), [])
    }

    func testDirectDebitByIBAN() throws {
        XCTAssertEqual(try fatal(Self.directDebit, directDebit("IBAN", payer: nil)), ["F-LIB293", "F-LIB295"])
        XCTAssertEqual(try fatal(Self.directDebit, directDebit("IBAN", payer: payer("DK5000400440116243", institution: "DABADKKK"))), [])
        XCTAssertEqual(try fatal(Self.directDebit, directDebit("IBAN", payer: payer("DK50", branch: "1234"))), ["F-LIB293", "F-LIB294", "F-LIB295"])
        XCTAssertEqual(try fatal(Self.directDebit, directDebit("IBAN", payer: payer(String(repeating: "1", count: 35), branch: "1234", institution: "DABADKKK"))),
                       ["F-LIB292", "F-LIB294"])
    }
}
