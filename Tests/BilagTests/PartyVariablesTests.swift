import BilagCore
import BilagRobotLanguage
@testable import BilagRobots
import XCTest

/// What robots read of a party (`seller.cvr`, `seller.cpr`, `seller.orgnr`, `buyer.gln`): schemes as senders write them,
/// in any case, compared without making upper-cased copies of each.
final class PartyVariablesTests: XCTestCase {
    func value(_ p: Party, _ key: String) -> String? {
        if case let .string(s)? = InvoiceVariables.party(p)[key] { return s }
        return nil
    }

    func party(_ ids: [Identifier], legal: Identifier? = nil, endpoint: Identifier? = nil, vat: String? = nil) -> Party {
        var p = Party()
        p.identifiers = ids; p.legalRegistrationIdentifier = legal; p.electronicAddress = endpoint; p.vatIdentifier = vat
        return p
    }

    func testSchemesAreReadInAnyCase() {
        XCTAssertEqual(value(party([Identifier("12345678", scheme: "dk:cvr")]), "cvr"), "12345678")
        XCTAssertEqual(value(party([Identifier("DK 12345678", scheme: "0184")]), "cvr"), "12345678")
        XCTAssertEqual(value(party([Identifier("12345678", scheme: "Dk:Se")]), "cvr"), "12345678")
        XCTAssertEqual(value(party([Identifier("dk12345678")]), "cvr"), "12345678", "no scheme: a DK prefix makes it a CVR")
        XCTAssertNil(value(party([Identifier("12345678", scheme: "DK:CVRX")]), "cvr"), "a longer scheme is another scheme")
        XCTAssertNil(value(party([Identifier("12345678", scheme: "DK:CV")]), "cvr"), "a shorter scheme is another scheme")
        XCTAssertEqual(value(party([], vat: "dk12345678"), "cvr"), "12345678", "the VAT number as the last resort")
        XCTAssertEqual(value(party([Identifier("0101011234", scheme: "dk:cpr")]), "cpr"), "0101011234")
        XCTAssertEqual(value(party([Identifier("987654321", scheme: "no:orgnr")]), "orgnr"), "987654321")
        XCTAssertEqual(value(party([], vat: "no987654321MVA"), "orgnr"), InvoiceVariables.party(party([], vat: "NO987654321MVA"))["orgnr"].flatMap { if case let .string(s) = $0 { s } else { nil } })
        XCTAssertEqual(value(party([], endpoint: Identifier("5798000000018", scheme: "gln")), "gln"), "5798000000018")
        XCTAssertEqual(value(party([Identifier("5798000000018")]), "gln"), "5798000000018", "thirteen digits without a scheme")
        XCTAssertNil(value(party([Identifier("579800000001")]), "gln"))
    }

    func testTheFirstIdentifierWithTheSchemeWinsInTheOrderBefore() {
        // Legal registration, then endpoint, then the party identifiers.
        let p = party([Identifier("33333333", scheme: "DK:CVR")], legal: Identifier("11111111", scheme: "DK:CVR"), endpoint: Identifier("22222222", scheme: "0184"))
        XCTAssertEqual(value(p, "cvr"), "11111111")
        XCTAssertEqual(value(party([Identifier("33333333", scheme: "DK:CVR")], endpoint: Identifier("22222222", scheme: "0184")), "cvr"), "22222222")
    }
}
