import BilagCore
import BilagOutbox
import BilagStore
import BilagTestKit
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The real binary, killed with -9 while the daemon's Outbox service and operators' approvals write files of two
/// writers (the journal and an ERP import file): afterwards every booked invoice is in exactly one file of each, every
/// file has its manifest and is the file it names, and `bilag report day` reconciles.
final class OutboxCrashTests: XCTestCase {
    let config = """
    intake:
      readiness: rename
      poll_interval_ms: 25
    outbox:
      flush_interval_ms: 20
      writers:
        journal: { kind: jsonl }
        erp: { kind: erp, layout: plain-csv, max_entries_per_file: 3 }

    """

    func testKillNineWhileFilesAreWrittenLeavesEveryVoucherOnceInEachWriterAndTheDayReconciles() throws {
        let root = try TemporaryRoot()
        var rng = SeededGenerator()
        let queued = try root.queuedInvoices(40, prefix: "K", config: config)
        XCTAssertEqual(queued.count, 40)
        let (kills, open) = try root.approveUnderKills(queued, rng: &rng)
        XCTAssertGreaterThan(kills, 5)
        // Undisturbed: the last approvals, then a run that finishes what the kills left unwritten.
        for id in open { try root.bilagSucceeding(TemporaryRoot.approval(id)) }
        try root.bilagSucceeding(["run", "--once"])
        let booked = Set(try Store(path: root.databasePath).invoices(state: .booked, limit: 100).map(\.id))
        XCTAssertEqual(booked.count, 40)

        // The journal: every booked invoice in one line.
        let journal = try root.journal()
        XCTAssertEqual(journal.brokenLines, [])
        XCTAssertEqual(journal.invoiceIDs.sorted(), booked.sorted(), "journal (seed \(rng.seed))")

        // The ERP files: every voucher once, whole and balanced; every file is what its manifest says.
        let erp = root.outbox + "/erp", manifests = root.outbox + "/manifests/erp"
        let files = try FileManager.default.contentsOfDirectory(atPath: erp).filter { $0.hasSuffix(".csv") }.sorted()
        var vouchers: [String: (file: String, sum: Amount)] = [:]
        var twice: [String] = []
        for name in files {
            let data = try XCTUnwrap(FileIO.read(erp + "/" + name))
            let manifest = try XCTUnwrap(OutboxManifest.read(manifests + "/" + name + ".manifest.json"), "no manifest for \(name)")
            XCTAssertEqual(manifest.sha256, OutboxManifest.sha256(data), name)
            let rows = String(decoding: data, as: UTF8.self).split(separator: "\n").map { $0.split(separator: ";", omittingEmptySubsequences: false).map(String.init) }
            let id = try XCTUnwrap(rows.first?.firstIndex(of: "invoice_id")), amount = try XCTUnwrap(rows.first?.firstIndex(of: "amount"))
            var inFile: [String: Amount] = [:]
            for row in rows.dropFirst() { inFile[row[id], default: .zero] += Amount(parsing: row[amount])! }
            XCTAssertEqual(Set(inFile.keys), Set(manifest.entries.map(\.invoiceID)), name)
            for (invoice, sum) in inFile {
                if let first = vouchers[invoice] { twice.append("\(invoice) in \(first.file) and \(name)") }
                vouchers[invoice] = (name, sum)
            }
        }
        XCTAssertEqual(twice, [], "seed \(rng.seed)")
        XCTAssertEqual(Set(vouchers.keys), booked, "ERP files (seed \(rng.seed))")
        XCTAssertTrue(vouchers.values.allSatisfy { $0.sum == .zero }, "an unbalanced voucher")
        XCTAssertEqual(((try? FileManager.default.contentsOfDirectory(atPath: manifests)) ?? []).filter { $0.hasPrefix(".pending-") }, [], "a pending manifest was left")

        // The day's report reconciles, and the store check is clean.
        let today = BankCalendar(country: "DK")!.today(Date()).description   // the report's day is the local one
        let report = try root.bilag(["report", "day", today, "--json"]).jsonObject()
        XCTAssertEqual(report["ok"] as? Bool, true, "\(report)")
        let reconciled = try XCTUnwrap(report["reconciliation"] as? [[String: Any]])
        XCTAssertEqual(reconciled.map { $0["writer"] as? String }, ["journal", "erp"])
        XCTAssertTrue(reconciled.allSatisfy { $0["written"] as? Int == 40 && $0["booked"] as? Int == 40 }, "\(reconciled)")
        XCTAssertEqual((report["files"] as? [[String: Any]])?.filter { $0["writer"] as? String == "erp" }.count, files.count)
        XCTAssertEqual(try root.bilag(["store", "check"]).exitCode, 0)
    }

    /// The report fails a file whose bytes were changed after it was written, and an invoice written twice.
    func testTheDayReportFindsAChangedFileAndAnInvoiceInTwoFiles() throws {
        let root = try TemporaryRoot()
        for id in try root.queuedInvoices(2, prefix: "D", config: config) { try root.bilagSucceeding(TemporaryRoot.approval(id)) }
        let today = BankCalendar(country: "DK")!.today(Date()).description   // the report's day is the local one
        let clean = try root.bilag(["report", "day", today])
        XCTAssertEqual(clean.exitCode, 0, "\(clean)")
        XCTAssertTrue(clean.stdout.contains("operator") && clean.stdout.contains("booked") && clean.stdout.contains("reconciles"), clean.stdout)
        // A second copy of a journal file under another name, and an ERP file edited by hand.
        let journal = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: root.journalDirectory).filter { $0.hasSuffix(".jsonl") }.sorted().first)
        try FileManager.default.copyItem(atPath: root.journalDirectory + "/" + journal, toPath: root.journalDirectory + "/journal-9999-copy.jsonl")
        let erp = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: root.outbox + "/erp").first { $0.hasSuffix(".csv") })
        try Data("tampered\n".utf8).write(to: URL(fileURLWithPath: root.outbox + "/erp/" + erp))
        let report = try root.bilag(["report", "day", today])
        XCTAssertEqual(report.exitCode, 5, "\(report)")
        XCTAssertTrue(report.stdout.contains("in two files"), report.stdout)
        XCTAssertTrue(report.stdout.contains("checksum changed"), report.stdout)
    }

    /// An operator's approval killed at each rename, link and unlink it makes (strace sends SIGKILL at exactly that
    /// call: between a file and its manifest, between a manifest's pending and final name, …): the next `run` starts —
    /// never `store-behind-outbox` —, and afterwards every booking is in one file of each writer, each file has its
    /// manifest, and no temporary or pending file is left. The GL07 writer's format does not carry its bookings: a file
    /// left beside a manifest still under its pending name is known by that manifest.
    func testKilledAtEachStepOfWritingItsFilesTheNextRunTakesThemOverAndWritesEachBookingOnce() throws {
        let config = """
        intake:
          readiness: rename
        outbox:
          writers:
            journal: { kind: jsonl }
            ubw: { kind: erp, layout: unit4-gl07, client: "K1", voucher_type: "IN", payable_account: "2400", vat_account: "2710" }

        """
        let kills = try TemporaryRoot.approvalsKilledAtEachStep(label: "gl07", prepare: { root in
            let ids = try root.queuedInvoices(2, prefix: "S", config: config)
            XCTAssertEqual(ids.count, 2)
            return ids[0]
        }) { root, step in
            guard try root.restartedAfterAKillEverythingApproved(step) else { return }
            XCTAssertEqual(try root.bilag(["store", "check"]).exitCode, 0, step)
            let booked = try Store(path: root.databasePath).invoices(state: .booked, limit: 10).map(\.id).sorted()
            XCTAssertEqual(booked.count, 2, step)
            XCTAssertEqual(try root.journal().invoiceIDs.sorted(), booked, step)
            var inGL07: [String] = []
            let ubw = root.outbox + "/ubw", manifests = root.outbox + "/manifests/ubw"
            for name in try FileManager.default.contentsOfDirectory(atPath: ubw).filter({ $0.hasPrefix("ubw-") }) {
                let manifest = try XCTUnwrap(OutboxManifest.read(manifests + "/" + name + ".manifest.json"), "\(step): no manifest for \(name)")
                XCTAssertEqual(manifest.sha256, OutboxManifest.sha256(try XCTUnwrap(FileIO.read(ubw + "/" + name))), "\(step): \(name)")
                inGL07 += manifest.entries.map(\.invoiceID)
            }
            XCTAssertEqual(inGL07.sorted(), booked, "\(step): every booking in one GL07 file")
            XCTAssertEqual(TemporaryRoot.leftovers(in: [ubw, manifests, root.journalDirectory, root.outbox + "/manifests/journal"]), [], step)
        }
        XCTAssertGreaterThan(kills, 6, "the approval was killed at too few steps to mean anything")
    }
}
