import BilagCore
@testable import BilagOutbox
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// When the Outbox's folders are looked through for what a writer killed mid-write left (`TakeOverSchedule`): at the
/// first flush of a process and after any writer died mid-write, not at every flush.
extension OutboxWriterTests {
    func testFlushesLookThroughTheFoldersAtTheFirstFlushNotAtEveryFlush() throws {
        let root = try TemporaryRoot()
        let store = try storeWithBookings(root, count: 1)
        let list = OutboxFiles(InvoiceListWriter(), outbox: root.outbox)
        XCTAssertEqual(try list.flush(store), 1)
        for round in 0..<20 {
            try book(store, count: 1, from: 100 + round)
            XCTAssertEqual(try list.flush(store), 1)
        }
        XCTAssertEqual(list.takeOvers.checkCount, 1, "the folders are listed once, not at each of 21 flushes")
        XCTAssertEqual(files(list.directory).count, 21)
        XCTAssertEqual(try store.unwritten(by: "list", limit: 100).count, 0)
    }

    func testAFileLeftByAWriterKilledInAnotherProcessIsTakenOverAtTheNextFlush() throws {
        let root = try TemporaryRoot()
        let store = try storeWithBookings(root, count: 1)
        let list = OutboxFiles(InvoiceListWriter(), outbox: root.outbox)
        XCTAssertEqual(try list.flush(store), 1, "this process has looked through the folders")
        // Another process's writer (an operator's command) killed after its file and manifest appeared, before the
        // store recorded them: its mark says a write was under way.
        try book(store, count: 2, from: 10)
        let pending = try store.unwritten(by: "list", limit: 10)
        XCTAssertEqual(pending.count, 2)
        let entries = try pending.map { OutboxEntry(seq: $0.seq, booked: try $0.booked()) }
        let data = try InvoiceListWriter().render(entries)
        let name = list.fileName(first: pending[0].seq, last: pending[1].seq, now: Date().addingTimeInterval(-86_400))
        try data.write(to: URL(fileURLWithPath: list.directory + "/" + name))
        try OutboxManifest(file: name, writer: "list", kind: nil, entries: entries, data: data, writtenAt: Timestamp.string()).encoded().write(to: URL(fileURLWithPath: list.manifestPath(name)))
        try Data("1".utf8).write(to: URL(fileURLWithPath: list.directory + "/.lock"))

        XCTAssertEqual(try list.flush(store), 0, "the killed writer's file holds them: none is written twice")
        XCTAssertEqual(list.takeOvers.checkCount, 2)
        XCTAssertTrue(try store.journalFileNames(writer: "list").contains(name))
        XCTAssertEqual(files(list.directory).count, 2)
        // And the next flush, with nothing left behind, looks no more.
        try book(store, count: 1, from: 20)
        XCTAssertEqual(try list.flush(store), 1)
        XCTAssertEqual(list.takeOvers.checkCount, 2)
    }

    func testAWriteThatFailedMidWayIsLookedAtByTheNextFlush() throws {
        let root = try TemporaryRoot()
        let store = try storeWithBookings(root, count: 1)
        let list = OutboxFiles(InvoiceListWriter(), outbox: root.outbox)
        XCTAssertEqual(try list.flush(store), 1)
        try book(store, count: 1, from: 10)
        // The file this flush will write is in the way (a store restored below its Outbox): the write fails after its
        // pending manifest appeared, and the next flush looks through the folders again.
        let pending = try store.unwritten(by: "list", limit: 10)
        let name = list.fileName(first: pending[0].seq, last: pending[0].seq, now: Date())
        try Data("someone else's\n".utf8).write(to: URL(fileURLWithPath: list.directory + "/" + name))
        XCTAssertThrowsError(try list.flush(store)) { XCTAssertTrue($0 is StoreBehindOutbox, "\($0)") }
        XCTAssertEqual(list.takeOvers.checkCount, 1)
        _ = try? list.flush(store)
        XCTAssertEqual(list.takeOvers.checkCount, 2, "the failed write left its mark: the next flush looked")
    }
}
