import BilagCore
import BilagEngine
import BilagStore
import BilagBench
import Foundation
import XCTest

/// Issue 16 item 2: the shipped robots find their data wherever real senders put it, in OIOUBL and PEPPOL alike,
/// and OIOUBL's buyer contact ID (Danish public buyers' internal reference) is offered to robots.
final class RobotSenderDataTests: XCTestCase {
    /// Each place a sender may write the citizen's CPR, applied to an invoice.
    static let places: [(String, @Sendable (inout ScenarioInvoice, String) -> Void)] = [
        ("note", { $0.note = "Attest vedr. \($1)" }),
        ("line-note", { $0.lineNote = "Borger \($1)" }),
        ("line-description", { $0.lineDescription = "Lægeerklæring LÆ 125 for \($1)" }),
        ("item-id", { $0.sellersItemID = $1 }),
        ("buyer-reference", { $0.buyerReference = $1 }),
        ("order-reference", { $0.orderReference = "Ordre \($1)" }),
        ("contract-reference", { $0.contractReference = $1 }),
    ]

    func certificate(_ number: String, oioubl: Bool) -> ScenarioInvoice {
        var i = ScenarioInvoice()
        i.number = number; i.sellerCVR = "12345607"; i.buyerEAN = "5798000000018"; i.oioubl = oioubl
        i.amount("405.00", vat: "0")
        return i
    }

    /// A CPR in each place, in PEPPOL and in OIOUBL, is found: the invoice gets past `missing-cpr` to the order.
    func testMedicalCertificatesFindTheCPRWhereverSendersPutIt() throws {
        for oioubl in [false, true] {
            for (place, put) in Self.places {
                // The first invoice for the order books; so each place gets a world of its own.
                let w = try RobotWorld()
                var inv = certificate("C-\(place)", oioubl: oioubl)
                put(&inv, "010190-1234")
                let got = try w.run([(place, inv)])[place]
                XCTAssertEqual(got?.state, .booked, "\(oioubl ? "OIOUBL" : "PEPPOL") \(place): \(String(describing: got))")
            }
            // OIOUBL's buyer contact ID.
            if oioubl {
                let w = try RobotWorld()
                var inv = certificate("C-contact", oioubl: true)
                inv.buyerContactID = "0101901234"
                XCTAssertEqual(try w.run([("contact", inv)])["contact"]?.state, .booked)
            }
        }
        // Nowhere: still missing-cpr; a 10-digit number that is no date is not taken for a CPR.
        let w = try RobotWorld()
        var none = certificate("C-none", oioubl: true)
        none.note = "Konto 9912345678"
        XCTAssertEqual(try w.run([("none", none)])["none"]?.reason, "missing-cpr")
    }

    /// The rent robot finds the tenant's CPR and the tenancy in line texts too, in both syntaxes.
    func testRentPaymentsFindTenantAndTenancyInLineTexts() throws {
        for oioubl in [false, true] {
            let w = try RobotWorld()
            var i = ScenarioInvoice()
            i.number = "R-\(oioubl)"; i.sellerCVR = "12345623"; i.sellerName = "Boligselskabet"; i.buyerEAN = "5798000000100"; i.oioubl = oioubl
            i.issueDate = "2026-11-01"; i.amount("6250.00", vat: "0")
            i.lineNote = "Lejer 150382-4455"
            i.lineDescription = "Husleje november, lejemålsnr. L-2201-3"
            XCTAssertEqual(try w.run([("r", i)])["r"]?.reason, "first-rent-invoice", oioubl ? "OIOUBL" : "PEPPOL")
        }
    }

    /// `buyer.contact_id` is OIOUBL's buyer contact ID; in OIOUBL it is also the buyer reference.
    func testOIOUBLBuyerContactIDIsOfferedToRobots() throws {
        let robot = """
        robot: contact
        match: buyer.contact_id == "K-4711" and invoice.buyer_reference == "K-4711" and "K-4711" in invoice.identifiers
        steps:
          - book:
              account: "4001"
              dimensions: { costcentre: "1100" }
              vat_code: "I25"
        """
        let w = try RobotWorld(robots: ["contact.robot.yaml": robot], shipRobots: false)
        var i = ScenarioInvoice(); i.number = "K-1"; i.sellerCVR = "12345682"; i.buyerEAN = "5798000000209"; i.oioubl = true; i.buyerContactID = "K-4711"
        i.amount("100.00", vat: "25")
        var other = i; other.number = "K-2"; other.buyerContactID = "K-0000"
        let got = try w.run([("oioubl", i), ("other", other)])
        XCTAssertEqual(got["oioubl"]?.state, .booked)
        XCTAssertEqual(got["other"]?.reason, "no-robot")
    }
}
