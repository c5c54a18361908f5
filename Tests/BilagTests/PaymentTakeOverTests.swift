import BilagCore
import BilagEngine
@testable import BilagOutbox
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// When the payments writer lists its folders for payment files the store does not know (`TakeOverSchedule`): at the
/// first flush of a process and after a writer of any process stopped half-way, not at every flush.
final class PaymentTakeOverTests: XCTestCase {
    typealias F = PaymentFixtures

    func testPaymentFlushesListTheFoldersOnceNotAtEveryFlush() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        let pipeline = try root.bookingPipeline()
        let payments = try XCTUnwrap(pipeline.outbox.payments)
        let checksAtStart = payments.takeOvers.checkCount
        XCTAssertEqual(checksAtStart, 1, "the start (recover) looked through the folders")
        var ids: [String] = []
        for round in 0..<12 {
            let r = try root.run(pipeline, [("p\(round)", F.document("T-\(round)", supplier: "DK11111111", means: F.iban("DK5000400440116243")))])
            ids.append(try XCTUnwrap(r["p\(round)"]?.id))
        }
        XCTAssertEqual(payments.takeOvers.checkCount, checksAtStart, "12 flushes, none listed the folders again")
        let paid = try F.checkedPayments(outbox: root.outbox)
        XCTAssertEqual(Set(paid.keys), Set(ids), "every payment in a file, once")
        XCTAssertEqual(try store(pipeline).paymentFiles("bank").map(\.state), Array(repeating: "written", count: 12))
    }

    /// Another process's writer stopped half-way (its mark says a write was under way) and a payment file the store does
    /// not know is in the folder: the next flush of this process looks, and stops rather than pay twice.
    func testAWriterThatStoppedHalfWayMakesTheNextFlushLookAndAnUnknownFileStopsIt() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        let pipeline = try root.bookingPipeline()
        let payments = try XCTUnwrap(pipeline.outbox.payments)
        _ = try root.run(pipeline, [("a", F.document("U-1", supplier: "DK11111111", means: F.iban("DK5000400440116243")))])
        let checks = payments.takeOvers.checkCount
        let unknown = payments.directory + "/bank-2026-01-01-000000000099.xml"
        try Data("<Document/>".utf8).write(to: URL(fileURLWithPath: unknown))
        try Data("1".utf8).write(to: URL(fileURLWithPath: payments.directory + "/.lock"))
        XCTAssertThrowsError(try payments.flush(pipeline.store)) { XCTAssertTrue($0 is StoreBehindOutbox, "\($0)") }
        XCTAssertThrowsError(try payments.flush(pipeline.store), "the mark stays until a look finds nothing") { XCTAssertTrue($0 is StoreBehindOutbox, "\($0)") }
        // Once the file is gone (the store restored), the next flush looks, finds nothing, and clears the mark.
        try FileManager.default.removeItem(atPath: unknown)
        XCTAssertEqual(try payments.flush(pipeline.store), 0)
        XCTAssertEqual(payments.takeOvers.checkCount, checks + 1)
        XCTAssertEqual(try payments.flush(pipeline.store), 0)
        XCTAssertEqual(payments.takeOvers.checkCount, checks + 1, "and the next flush does not look")
    }

    func store(_ p: Pipeline) -> Store { p.store }
}
