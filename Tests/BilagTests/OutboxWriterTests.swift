import BilagCore
import BilagDaemon
import BilagEngine
import BilagOutbox
import BilagStore
import BilagTestKit
import Foundation
import Logging
import ServiceLifecycle
import XCTest

/// A writer of another kind, as a new output would be: one type, its format only.
struct InvoiceListWriter: OutboxWriter {
    var name = "list"
    var fileExtension = "txt"
    func render(_ entries: [OutboxEntry]) throws -> Data {
        Data(entries.map { "\($0.booked.invoiceNumber ?? "-");\($0.booked.amountDue)\n" }.joined().utf8)
    }
}

/// The Outbox seam: every writer gets each booking once, in files that appear whole with a manifest, whatever crashed.
final class OutboxWriterTests: XCTestCase {
    /// A store holding `count` booked invoices (DKK 125.00 each, the last a credit note) that no writer has written.
    func storeWithBookings(_ root: TemporaryRoot, count: Int, from: Int = 1) throws -> Store {
        try FileManager.default.createDirectory(atPath: root.state, withIntermediateDirectories: true)
        let store = try Store(path: root.databasePath)
        try book(store, count: count, from: from)
        return store
    }

    func book(_ store: Store, count: Int, from: Int) throws {
        let now = Timestamp.string()
        let claims = (from..<(from + count)).map { ClaimRecord(id: "20261123-000000-\(String(format: "%06d", $0))-test", channel: "peppol", sourcePath: "peppol/\($0).xml", storedPath: "originals/x/\($0).xml", sha256: String(repeating: "\($0 % 10)", count: 64), size: 100, receivedAt: now) }
        try store.recordClaims(claims)
        let outcomes = claims.enumerated().map { i, c -> Outcome in
            let sign = i == count - 1 ? "-" : ""
            var o = Outcome(invoiceID: c.id, state: .booked, actor: "operator:test", action: "approved")
            o.booked = BookedInvoice(invoiceID: c.id, bookedAt: now, bookedBy: o.actor, invoiceNumber: "INV-\(i)", documentKind: sign.isEmpty ? .invoice : .creditNote, currency: "DKK",
                                     postings: [Posting(account: "5250", netAmount: Amount(parsing: sign + "100.00")!, vatAmount: Amount(parsing: sign + "25.00")!)], sha256: c.sha256)
            return o
        }
        XCTAssertEqual(try store.apply(outcomes), [])
    }

    func outbox(_ root: TemporaryRoot, closeAfterSeconds: Int = 0) throws -> Outbox {
        Outbox([OutboxFiles(JournalWriter(), outbox: root.outbox), OutboxFiles(InvoiceListWriter(), outbox: root.outbox, closeAfterSeconds: closeAfterSeconds)])
    }

    func files(_ dir: String) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { !$0.hasPrefix(".") }.sorted() }

    func testEveryWriterWritesEachBookingOnceInAFileWithItsManifest() throws {
        let root = try TemporaryRoot()
        let store = try storeWithBookings(root, count: 3)
        let outbox = try outbox(root)
        XCTAssertEqual(try outbox.flush(store), 6, "three bookings, two writers")
        XCTAssertEqual(try outbox.flush(store), 0, "nothing is written twice")
        let list = try XCTUnwrap(outbox.writer("list"))
        let names = files(list.directory)
        XCTAssertEqual(names.count, 1)
        let name = try XCTUnwrap(names.first)
        XCTAssertTrue(name.hasPrefix("list-") && name.hasSuffix("-000000000001-000000000003.txt"), name)
        let data = try XCTUnwrap(FileIO.read(list.directory + "/" + name))
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "INV-0;125.00\nINV-1;125.00\nINV-2;-125.00\n")
        let manifest = try XCTUnwrap(OutboxManifest.read(list.manifestPath(name)))
        XCTAssertEqual(manifest.count, 3)
        XCTAssertEqual(manifest.sha256, OutboxManifest.sha256(data))
        XCTAssertEqual(manifest.sums["DKK"]?.amountDue, Amount(parsing: "125.00"))
        XCTAssertEqual(manifest.sums["DKK"]?.net, Amount(parsing: "100.00"))
        XCTAssertEqual(manifest.entries.map(\.seq), [1, 2, 3])
        // The journal is a writer among the others: the same bookings, its own format, its own manifest.
        let journal = try root.journal()
        XCTAssertEqual(journal.entries.count, 3)
        XCTAssertEqual(journal.otherNames, [])
        XCTAssertEqual(files(root.outbox + "/manifests/journal").count, 1)
        XCTAssertEqual(try store.journalFileNames(writer: "list"), [name])
        XCTAssertEqual(try store.unwritten(by: "list", limit: 10).count, 0)
    }

    /// The bookings this process stored go to its writers as they were booked (`Store.handoff`), not read back from
    /// their JSON: the files are byte for byte those a writer of another process (reading every line) writes, and only
    /// a line stored exactly as kept is taken so.
    func testBookingsHandedOverInProcessGiveTheFilesReadingTheirLinesGives() throws {
        let root = try TemporaryRoot()
        let store = try storeWithBookings(root, count: 5)
        let pending = try store.unwritten(by: Store.journalWriter, limit: 10)
        XCTAssertEqual(pending.filter { $0.kept != nil }.count, 5, "kept as booked")
        XCTAssertEqual(pending.compactMap(\.keptLine).count, 5, "matched as the bytes SQLite holds, never read into a String")
        XCTAssertEqual(pending.map(\.line), try Store(path: root.databasePath).bookings(after: 0, limit: 10).map(\.line), "a kept entry's line is the stored line")
        XCTAssertEqual(try pending.map(OutboxEntry.init).map(\.storedLine), pending.map(\.line))
        XCTAssertEqual(try outbox(root).flush(store), 10)
        // The same bookings as a process that did not book them reads them: each line read.
        let reader = try Store(path: root.databasePath)
        let read = try reader.bookings(after: 0, limit: 10)
        XCTAssertEqual(read.count, 5)
        XCTAssertEqual(read.filter { $0.kept != nil }.count, 0, "nothing kept in another process")
        let entries = try read.map(OutboxEntry.init)
        XCTAssertEqual(entries.compactMap(\.storedLine).count, 0)
        for (dir, writer) in [("journal", JournalWriter() as any OutboxWriter), ("list", InvoiceListWriter())] {
            let written = files(root.outbox + "/" + dir)
            XCTAssertEqual(written.count, 1)
            XCTAssertEqual(try written.map { try XCTUnwrap(FileIO.read(root.outbox + "/" + dir + "/" + $0)) }, [try writer.render(entries)], dir)
        }
        // A line that is not the one kept (changed after booking) is read, never matched to the kept booking.
        let first = try XCTUnwrap(read.first)
        XCTAssertEqual(store.handoff.booked(first.invoiceID, line: first.line)?.invoiceID, first.invoiceID)
        XCTAssertNil(store.handoff.booked(first.invoiceID, line: first.line.replacingOccurrences(of: "INV-0", with: "INV-9")))
        XCTAssertNil(Array(first.line.replacingOccurrences(of: "INV-0", with: "INV-9").utf8).withUnsafeBufferPointer { store.handoff.booked(first.invoiceID, bytes: $0) })
        XCTAssertEqual(Array(first.line.utf8).withUnsafeBufferPointer { store.handoff.booked(first.invoiceID, bytes: $0)?.booked.invoiceID }, first.invoiceID)
    }

    /// A file written at 00:30 on 1 December in Copenhagen (23:30 UTC on 30 November) is named for 1 December, as
    /// its payments file and `bilag report day` count it: the journal's, another writer's, and an ERP file's (in its
    /// `time_zone`). At 22:30 UTC on a summer evening (00:30 CEST) likewise.
    func testFileNamesCarryTheMunicipalitysDateNotUTCs() throws {
        for (moment, day) in [("2026-11-30T23:30:00.000Z", "2026-12-01"), ("2027-06-30T22:30:00.000Z", "2027-07-01"), ("2026-12-01T22:59:00.000Z", "2026-12-01")] {
            let root = try TemporaryRoot()
            let store = try storeWithBookings(root, count: 2)
            let erp = try ERPWriter(name: "ubw", settings: ["layout": "plain-csv", "time_zone": "Europe/Oslo"], root: root.path)
            let outbox = Outbox([OutboxFiles(JournalWriter(), outbox: root.outbox), OutboxFiles(InvoiceListWriter(), outbox: root.outbox), OutboxFiles(erp, outbox: root.outbox)])
            XCTAssertEqual(try outbox.flush(store, now: try XCTUnwrap(Timestamp.date(moment))), 6)
            for w in outbox.writers {
                XCTAssertEqual(files(w.directory), ["\(w.name)-\(day)-000000000001-000000000002.\(w.writer.fileExtension)"], moment)
            }
        }
    }

    func testAFileKilledBetweenItsLinkAndItsMarkIsTakenOverFromItsManifest() throws {
        let root = try TemporaryRoot()
        let store = try storeWithBookings(root, count: 3)
        let list = OutboxFiles(InvoiceListWriter(), outbox: root.outbox)
        for dir in [list.directory, list.manifestDirectory] { try FileIO.makeDirectory(dir) }
        // What a writer killed after its file and its manifest appeared, before the store recorded them, leaves.
        let pending = try store.unwritten(by: "list", limit: 2)
        let entries = try pending.map { OutboxEntry(seq: $0.seq, booked: try $0.booked()) }
        let data = try InvoiceListWriter().render(entries)
        let name = "list-2026-11-23-000000000001-000000000002.txt"
        try data.write(to: URL(fileURLWithPath: list.directory + "/" + name))
        try OutboxManifest(file: name, writer: "list", kind: nil, entries: entries, data: data, writtenAt: Timestamp.string()).encoded().write(to: URL(fileURLWithPath: list.manifestPath(name)))
        // The ERP took the file away before the crash: the manifest alone still says what it held.
        try FileManager.default.removeItem(atPath: list.directory + "/" + name)

        XCTAssertEqual(try list.flush(store), 1, "only the booking no file holds is written")
        XCTAssertEqual(try store.journalFileNames(writer: "list").count, 2)
        XCTAssertTrue(try store.journalFileNames(writer: "list").contains(name))
    }

    func testAPendingManifestWhoseFileNeverAppearedIsRemovedAndItsBookingsWrittenAgain() throws {
        let root = try TemporaryRoot()
        let store = try storeWithBookings(root, count: 2)
        let list = OutboxFiles(InvoiceListWriter(), outbox: root.outbox)
        for dir in [list.directory, list.manifestDirectory] { try FileIO.makeDirectory(dir) }
        let name = "list-2026-11-23-000000000001-000000000002.txt"
        try Data("{}".utf8).write(to: URL(fileURLWithPath: list.manifestDirectory + "/.pending-" + name + ".manifest.json"))
        try Data("partial".utf8).write(to: URL(fileURLWithPath: list.directory + "/.tmp-dead-writer"))
        XCTAssertEqual(try list.flush(store), 2)
        XCTAssertEqual(files(list.directory).count, 1)
        XCTAssertEqual(((try? FileManager.default.contentsOfDirectory(atPath: list.directory)) ?? []).filter { $0.hasPrefix(".tmp-") }, [])
        XCTAssertEqual(((try? FileManager.default.contentsOfDirectory(atPath: list.manifestDirectory)) ?? []).filter { $0.hasPrefix(".pending-") }, [])
        XCTAssertEqual(files(list.manifestDirectory).count, 1)
    }

    func testAFileOfAnotherWriterHoldingBookingsTheStoreDoesNotKnowMeansTheStoreIsBehind() throws {
        let root = try TemporaryRoot()
        let store = try storeWithBookings(root, count: 2)
        let list = OutboxFiles(InvoiceListWriter(), outbox: root.outbox)
        try list.flush(store)
        // A store restored from before those bookings: it knows no file and holds other bookings under the same seqs.
        try FileManager.default.removeItem(atPath: root.state)
        let older = try storeWithBookings(root, count: 2, from: 50)
        XCTAssertThrowsError(try list.flush(older)) { error in
            XCTAssertTrue(error is StoreBehindOutbox, "\(error)")
        }
        XCTAssertEqual(try older.unwritten(by: "list", limit: 10).count, 2, "nothing was marked")
    }

    func testAWriterClosingBySchedulePutsTheBookingsOfItsIntervalInOneFile() throws {
        let root = try TemporaryRoot()
        let store = try storeWithBookings(root, count: 2)
        let outbox = try outbox(root, closeAfterSeconds: 600)
        XCTAssertEqual(try outbox.flush(store), 2, "the journal writes at once; the list waits")
        try book(store, count: 1, from: 3)
        XCTAssertEqual(try outbox.flush(store, now: Date().addingTimeInterval(60)), 1, "the journal writes the new one; the list's file is not due")
        XCTAssertEqual(files(outbox.writer("list")!.directory), [])
        XCTAssertEqual(try outbox.flush(store, now: Date().addingTimeInterval(601)), 3)
        XCTAssertEqual(files(outbox.writer("list")!.directory).count, 1, "one file for the interval")
    }

    func testBilagYamlChoosesTheWritersAndTheJournalAloneIsTheDefault() throws {
        let root = try TemporaryRoot()
        XCTAssertEqual(try ConfigLoader.load(root: root.path, environment: [:]).outboxWriters, [.journal()])
        try root.writeConfig("journal:\n  max_lines_per_file: 7\noutbox:\n  flush_interval_ms: 250\n  writers:\n    journal: { kind: jsonl, close_after_minutes: 5 }\n")
        let config = try ConfigLoader.load(root: root.path, environment: [:])
        XCTAssertEqual(config.outboxWriters, [OutboxWriterSettings(name: "journal", kind: "jsonl", maxEntriesPerFile: 7, closeAfterSeconds: 300)])
        XCTAssertEqual(config.outboxFlushIntervalMilliseconds, 250)
        for (yaml, says) in [
            ("outbox:\n  writers:\n    erp: { kind: gl99 }\n    journal: { kind: jsonl }\n", "kind is 'gl99'"),
            ("outbox:\n  writers:\n    erp: { kind: jsonl }\n", "no journal writer"),
            ("outbox:\n  writers:\n    journal: { kind: jsonl, colour: red }\n", "unknown setting 'colour'"),
        ] {
            try root.writeConfig(yaml)
            XCTAssertThrowsError(try ConfigLoader.load(root: root.path, environment: [:])) { error in
                XCTAssertTrue("\(error)".contains(says), "\(error)")
            }
        }
    }

    /// The pipeline and the manual queue only say they booked; the Outbox service writes, and writes what is due once
    /// more when the daemon stops.
    func testTheOutboxServiceWritesWhenToldAndAtShutdown() async throws {
        let root = try TemporaryRoot()
        let store = try storeWithBookings(root, count: 2)
        let outbox = try outbox(root)
        let service = OutboxService(outbox: outbox, store: store, interval: .seconds(3600), logger: Logger(label: "test"))
        let group = ServiceGroup(configuration: .init(services: [service], logger: Logger(label: "test")))
        let running = Task { try await group.run() }
        service.bookingsCommitted()
        var waited = 0
        while try store.unflushedJournal(limit: 10).count > 0, waited < 200 { try await Task.sleep(for: .milliseconds(25)); waited += 1 }
        XCTAssertEqual(try root.journal().entries.count, 2, "written when told, not at the hourly tick")
        try book(store, count: 1, from: 3)
        await group.triggerGracefulShutdown()
        try await running.value
        XCTAssertEqual(try root.journal().entries.count, 3, "written at shutdown")
        XCTAssertEqual(try store.unwritten(by: "list", limit: 10).count, 0)
    }
}
