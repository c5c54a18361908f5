import BilagCore
import BilagEngine
import BilagOutbox
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// A payment blocked at take-up (`payee-account-changed`: the supplier's master data, imported meanwhile, names another
/// account) is released by an operator once another has confirmed the account (four eyes, audited) and paid in the
/// next file exactly once; or cancelled (paid by hand) with a note. Never by the one who vouched for the account.
final class BlockedPaymentTests: XCTestCase {
    typealias F = PaymentFixtures

    /// A booked invoice of a new supplier, its master data (another account) imported before the payments writer took
    /// it up: blocked.
    func blocked(_ root: TemporaryRoot, _ pipeline: Pipeline, _ name: String, supplier: String) throws -> InvoiceRecord {
        let r = try XCTUnwrap(try root.run(pipeline, [(name, F.document("\(name)-1", supplier: supplier, means: F.iban("DE89370400440532013000", bic: "COBADEFFXXX")))])[name])
        XCTAssertEqual(r.state, .booked)
        _ = try SupplierAccounts(pipeline: pipeline).importCSV("supplier,account\n\(supplier),GB29NWBK60161331926819\n", file: "erp.csv", by: "alice")
        try pipeline.outbox.flush(pipeline.store)
        XCTAssertEqual(try pipeline.store.payment(r.id)?.state, "blocked")
        return r
    }

    func testABlockedPaymentIsReleasedAfterAnotherOperatorConfirmedItsAccountAndPaidOnce() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        let pipeline = try root.bookingPipeline()
        pipeline.flushing = NoFlush()
        let c = try blocked(root, pipeline, "c", supplier: "DK88888888")
        let payments = BlockedPayments(pipeline: pipeline)
        XCTAssertEqual(try payments.list(state: "blocked").map(\.invoiceID), [c.id])

        func refused(_ user: String, _ code: String, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try payments.release(c.id, by: user, note: nil), file: file, line: line) { XCTAssertEqual(($0 as? BilagError)?.code, code, "\($0)", file: file, line: line) }
        }
        refused("carol", PaymentDeviation.payeeAccountChanged)   // the account is still not the supplier's
        _ = try SupplierAccounts(pipeline: pipeline).confirm(invoice: c.id, by: "bob", note: "phoned the supplier")
        refused("bob", "segregation-of-duties")                   // who confirmed it cannot also release it
        XCTAssertEqual(try pipeline.store.payment(c.id)?.state, "blocked")

        let released = try payments.release(c.id, by: "carol", note: "account checked by bob")
        XCTAssertEqual(released.state, "filed", "due long ago: in a payment file at once")
        XCTAssertEqual(Set(try F.checkedPayments(outbox: root.outbox).keys), [c.id])
        refused("carol", "payment-filed")                         // never paid again
        try pipeline.outbox.flush(pipeline.store)
        XCTAssertEqual(try F.checkedPayments(outbox: root.outbox).count, 1)

        let trail = try pipeline.store.events(c.id).map(\.action)
        XCTAssertTrue(trail.contains("payment-released") && trail.contains("payee-account-confirmed"), "\(trail)")
        XCTAssertTrue(try pipeline.store.auditRecords().contains { $0.action == "payment-released" && $0.actor == "operator:carol" && $0.subject == c.id })
        let report = try XCTUnwrap(try DayReport(day: ReportDay.today(pipeline.config), config: pipeline.config, store: pipeline.store).payments)
        XCTAssertTrue(report.ok && report.blocked.isEmpty, "\(report)")
    }

    /// The same through the real binary's commands: listed, refused while the account is unconfirmed and to the
    /// operator who confirmed it, released by another, audited.
    func testThePaymentsCommandsListReleaseAndRefuse() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        let pipeline = try root.bookingPipeline()
        pipeline.flushing = NoFlush()
        let c = try blocked(root, pipeline, "c", supplier: "DK88888888")
        let listed = try root.bilagSucceeding(["payments", "list", "--state", "blocked"]).stdout
        XCTAssertTrue(listed.contains(c.id) && listed.contains(PaymentDeviation.payeeAccountChanged), listed)
        let unconfirmed = try root.bilag(["payments", "release", c.id, "--user", "carol"])
        XCTAssertNotEqual(unconfirmed.exitCode, 0)
        XCTAssertTrue(unconfirmed.stderr.contains("not a known account") && unconfirmed.stderr.contains("suppliers confirm"), "\(unconfirmed)")
        try root.bilagSucceeding(["suppliers", "confirm", "--invoice", c.id, "--user", "bob", "--note", "phoned the supplier"])
        let own = try root.bilag(["payments", "release", c.id, "--user", "bob"])
        XCTAssertTrue(own.stderr.contains("cannot also release"), "\(own)")
        let released = try root.bilagSucceeding(["payments", "release", c.id, "--user", "carol", "--note", "checked"]).stdout
        XCTAssertTrue(released.contains("filed in bank-"), released)
        XCTAssertEqual(Set(try F.checkedPayments(outbox: root.outbox).keys), [c.id])
        XCTAssertTrue(try root.bilagSucceeding(["audit", "list"]).stdout.contains("payment-released"))
        let again = try root.bilag(["payments", "cancel", c.id, "--user", "carol", "--note", "too late"])
        XCTAssertTrue(again.stderr.contains("never paid again"), "\(again)")
    }

    func testABlockedPaymentIsCancelledWithANoteAndNeverPaid() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        let pipeline = try root.bookingPipeline()
        pipeline.flushing = NoFlush()
        let d = try blocked(root, pipeline, "d", supplier: "DK99999999")
        let payments = BlockedPayments(pipeline: pipeline)
        XCTAssertThrowsError(try payments.cancel(d.id, by: "carol", note: nil)) { XCTAssertEqual(($0 as? BilagError)?.code, "usage") }
        XCTAssertEqual(try payments.cancel(d.id, by: "carol", note: "paid by hand 2026-12-04").state, "not-paid")
        XCTAssertThrowsError(try payments.release(d.id, by: "dave", note: nil)) { XCTAssertEqual(($0 as? BilagError)?.code, "payment-not-blocked") }
        try pipeline.outbox.flush(pipeline.store)
        XCTAssertEqual(try F.checkedPayments(outbox: root.outbox).count, 0)
        XCTAssertTrue(try pipeline.store.payment(d.id)?.reason?.contains("paid by hand") == true)
        XCTAssertTrue(try pipeline.store.auditRecords().contains { $0.action == "payment-cancelled" && $0.subject == d.id })
    }
}
