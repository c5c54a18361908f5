import BilagCore
import BilagEngine
import BilagIntake
import BilagOutbox
import BilagStore
import BilagTestKit
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// kill -9 at random moments: nothing lost, nothing claimed or booked twice, no journal line written twice.
final class CrashRecoveryTests: XCTestCase {
    /// Which queued invoices an operator's plain `queue approve` may book.
    enum ManualQueueFlags {
        static func approvable(_ r: InvoiceRecord) -> Bool {
            r.duplicateOf == nil && r.reasonCode != ReasonCode.duplicateFile && r.reasonCode != ReasonCode.duplicateInvoice
        }
    }


    /// What went into the Inbox, and what each file must become.
    struct Inputs {
        var files: [String: Data] = [:]          // Inbox-relative path → bytes
        var distinct: [String] = []              // distinct, valid invoices (may be approved)
        var copies: [String: String] = [:]       // exact copy → the file it copies
        var renumbered: [String: String] = [:]   // same number, other bytes → the file it repeats
        var broken: [String] = []
    }

    static func makeInputs(distinct count: Int, duplicates: Int, broken: Int) throws -> Inputs {
        let template = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
        var inputs = Inputs()
        let channels = ["peppol/0088_5790000435975/0088_5798009811578", "peppol/0184_12345678/0184_87654321", "oioubl", "ehf/sub"]
        for (i, stamped) in template.stamp(count: count, prefix: "KILL").enumerated() {
            let path = "\(channels[i % channels.count])/inv-\(stamped.number).xml"
            inputs.files[path] = stamped.data
            inputs.distinct.append(path)
        }
        for k in 0..<duplicates {
            let original = inputs.distinct[(k * 97 + 13) % count]
            let copy = "resent/copy-\(k)-" + (original as NSString).lastPathComponent
            inputs.files[copy] = inputs.files[original]
            inputs.copies[copy] = original
            let repeated = inputs.distinct[(k * 89 + 7) % count]
            let number = "KILL-" + String((repeated as NSString).lastPathComponent.dropFirst("inv-KILL-".count).dropLast(4))
            let again = "resent/again-\(k)-" + (repeated as NSString).lastPathComponent
            inputs.files[again] = template.withNumber(number).withNote("sent again, copy \(k)").data
            inputs.renumbered[again] = repeated
        }
        for k in 0..<broken {
            let data = template.invoice(number: "BROKEN-\(k)")
            let path = "peppol/broken-\(k).xml"
            inputs.files[path] = data.prefix(data.count / 3 + k)
            inputs.broken.append(path)
        }
        return inputs
    }

    /// The kill -9 test: a few thousand files, the daemon killed at random moments and restarted until all is done,
    /// operators approving (and being killed) meanwhile.
    func testKillNineAtRandomMomentsLosesNothingAndBooksNothingTwice() throws {
        var rng = SeededGenerator()
        print("CrashRecoveryTests seed \(rng.seed) — replay with BILAG_TEST_SEED=\(rng.seed)")
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", pollIntervalMs: 10, intake: ["batch_size: 50"])
        let count = ProcessInfo.processInfo.environment["BILAG_CRASH_FILES"].flatMap(Int.init) ?? 3000
        let inputs = try Self.makeInputs(distinct: count, duplicates: 8, broken: 8)
        var hashes: [String: String] = [:]
        for (path, data) in inputs.files {
            try root.deliver(data, to: path)
            hashes[path] = ContentHash.sha256(data)
        }
        let distinctSet = Set(inputs.distinct)

        var kills = 0, round = 0, approveKills = 0, startupKills = 0
        // The first kills come 20–400 ms into a life; after them each life may last longer (250 ms more per round), so
        // the loop ends in bounded time however slow a build is, and still kills at random moments throughout.
        let minimumKills = 12
        var attempted = Set<String>()                   // invoice ids an approve was started for
        var approvals: [(id: String, user: String, process: BilagProcess)] = []
        let deadline = Date().addingTimeInterval(180)
        var store: Store? { FileManager.default.fileExists(atPath: root.databasePath) ? try? root.store() : nil }

        while true {
            round += 1
            XCTAssertLessThan(Date(), deadline, "the kill loop did not finish in time (round \(round), seed \(rng.seed))")
            if Date() >= deadline { break }
            // The clock starts when the daemon says it started: kills land in recovery, claims, decisions, commits and
            // journal writes (a few rounds also kill it while it starts).
            let daemon = try root.start(["run"], label: "daemon-\(round)")
            if round % 5 != 0 {
                if !daemon.waitForStderr(containing: "bilag started", timeout: 20) { startupKills += 1 }
            } else {
                startupKills += 1
            }
            let stretch = round > minimumKills ? 0.25 * Double(round - minimumKills) : 0
            let lifetime = Double.random(in: 0.02...(0.4 + stretch), using: &rng)

            // Every other round, operators approve invoices from the queue while the daemon works, two of them racing on one.
            var inFlight: [BilagProcess] = []
            if round % 2 == 0, let s = store {
                // Only invoices an approval can book: of a copy and its original (or two invoices with one number), whichever
                // the daemon decides second is flagged a duplicate, and approving that one without --override-duplicate is
                // refused to everyone — which of the pair it is depends on timing, so a flagged one is never picked.
                let manual = try s.invoices(state: .manual, limit: 400).filter {
                    distinctSet.contains($0.sourcePath) && !attempted.contains($0.id) && ManualQueueFlags.approvable($0)
                }
                let picks = Array(manual.shuffled(using: &rng).prefix(4))
                for (k, r) in picks.enumerated() {
                    attempted.insert(r.id)
                    let users = k == 0 ? ["alice", "bob"] : [["carol", "dave", "erin"][k % 3]]
                    for user in users {
                        let p = try root.start(["queue", "approve", r.id, "--account", "5250", "--dim", "costcentre=\(100 + k)", "--user", user], label: "approve-\(user)")
                        approvals.append((r.id, user, p))
                        inFlight.append(p)
                    }
                }
            }
            // Kill one approve at a random moment of its run, then the daemon.
            let approveKillAt = Double.random(in: 0...min(lifetime, 0.08), using: &rng)
            Thread.sleep(forTimeInterval: approveKillAt)
            if let victim = inFlight.randomElement(using: &rng), victim.isRunning { victim.kill(); approveKills += 1 }
            Thread.sleep(forTimeInterval: lifetime - approveKillAt)
            daemon.kill()
            guard let end = daemon.wait(timeout: 20) else { return XCTFail("a SIGKILLed daemon did not end") }
            if end.signal == SIGKILL { kills += 1 } else { XCTFail("daemon round \(round) ended by itself: \(end)") }
            for p in inFlight { if p.wait(timeout: 30) == nil { XCTFail("an approve hung: \(p.command)"); p.kill() } }

            if kills >= minimumKills, root.inboxFiles().isEmpty, let s = store, try s.invoices(state: .received, limit: 1).isEmpty { break }
        }
        let logs = root.allProcessOutput()
        print("CrashRecoveryTests: \(kills) kill -9 of the daemon over \(round) rounds (\(startupKills) timed from spawn), \(approvals.count) approvals started, \(approveKills) approve processes killed; "
              + "restarts that recovered unrecorded claims: \(logs.components(separatedBy: "recovering claimed files").count - 1), finished undecided invoices: \(logs.components(separatedBy: "left undecided").count - 1)")

        // A last, undisturbed run finishes what the kills left (journal lines not yet written), then a clean stop.
        let last = try root.startDaemon()
        let settled = try poll(timeout: 30, interval: 0.05) {
            let status = try root.bilagSucceeding(["status", "--json"]).jsonObject()
            return (status["journal_unflushed"] as? Int) == 0 && (status["by_state"] as? [String: Int])?["received"] == nil
        }
        XCTAssertTrue(settled, "the journal was not flushed after the kills")
        last.terminate()
        XCTAssertEqual(last.wait(timeout: 20)?.exitCode, 0, "SIGTERM ends the daemon with 0")

        // 1. The Inbox is empty; every input file has exactly one record, with its hash; its original is kept intact.
        XCTAssertEqual(root.inboxFiles(), [], "files left in the Inbox")
        let s = try root.store()
        let records = try root.records()
        XCTAssertEqual(records.count, inputs.files.count, "one record per input file, no more, no less")
        let bySource = Dictionary(grouping: records, by: \.sourcePath)
        for (path, data) in inputs.files {
            guard let recs = bySource[path] else { XCTFail("\(path) was lost"); continue }
            XCTAssertEqual(recs.count, 1, "\(path) recorded \(recs.count) times")
            let r = recs[0]
            XCTAssertEqual(r.sha256, hashes[path], "\(path): hash")
            XCTAssertEqual(r.size, Int64(data.count))
            XCTAssertEqual(FileManager.default.contents(atPath: root.originalPath(of: r)), data, "\(path): original not kept intact")
        }
        XCTAssertEqual(Set(records.map(\.storedPath)).count, records.count, "two records share one kept original")
        let originals = TemporaryRoot.files(under: root.state + "/originals").filter { !$0.hasSuffix(".receipt") }
        XCTAssertEqual(originals.count, records.count, "kept originals without a record (a claim lost between rename and record)")

        // 2. Each record has exactly one outcome, and was decided exactly once.
        var decidedTwice: [String] = []
        var eventsByID: [String: [InvoiceEvent]] = [:]
        for r in records {
            XCTAssertTrue([.booked, .manual, .quarantined].contains(r.state), "\(r.sourcePath) ended \(r.state)")
            let events = try s.events(r.id)
            eventsByID[r.id] = events
            XCTAssertEqual(events.filter { $0.action == "claimed" }.count, 1, "\(r.sourcePath): claimed events")
            let decisions = events.filter { $0.fromState == "received" && $0.toState != "received" }
            if decisions.count != 1 { decidedTwice.append("\(r.sourcePath): \(decisions.map { "\($0.actor) \($0.action) → \($0.toState ?? "")" })") }
        }
        XCTAssertEqual(decidedTwice, [], "invoices decided more or less than once")

        // 3. The right outcome per kind of input: no false duplicate from a recovery, the real ones caught.
        for path in inputs.broken { XCTAssertEqual(bySource[path]?.first?.reasonCode, "malformed-xml", path) }
        func firstDecision(_ path: String) -> String? {
            guard let r = bySource[path]?.first else { return nil }
            guard let detail = eventsByID[r.id]?.first(where: { $0.fromState == "received" && $0.toState != "received" })?.detail,
                  let o = try? JSONSerialization.jsonObject(with: Data(detail.utf8)) as? [String: Any] else { return r.state.rawValue }
            return o["reason_code"] as? String
        }
        var falseDuplicates: [String] = []
        for path in inputs.distinct where !inputs.copies.values.contains(path) && !inputs.renumbered.values.contains(path) {
            if let reason = firstDecision(path), reason.hasPrefix("duplicate") { falseDuplicates.append("\(path): \(reason)") }
        }
        XCTAssertEqual(falseDuplicates, [], "distinct invoices flagged as duplicates")
        for (copy, original) in inputs.copies {
            let pair = [firstDecision(copy), firstDecision(original)].compactMap { $0 }
            XCTAssertEqual(pair.filter { $0 == "duplicate-file" }.count, 1, "exact copy \(copy) of \(original): \(pair)")
        }
        for (again, first) in inputs.renumbered {
            let pair = [firstDecision(again), firstDecision(first)].compactMap { $0 }
            XCTAssertEqual(pair.filter { $0 == "duplicate-invoice" }.count, 1, "\(again) repeats the number of \(first): \(pair)")
        }

        // 4. The journal: complete JSON lines, one per booked invoice, no invoice and no seq twice.
        let journal = try root.journal()
        XCTAssertEqual(journal.brokenLines, [], "incomplete or invalid journal lines")
        XCTAssertEqual(journal.unterminatedFiles, [], "journal files with a half last line")
        let booked = Set(records.filter { $0.state == .booked }.map(\.id))
        XCTAssertEqual(journal.entries.count, booked.count, "journal lines ≠ booked invoices (files: \(journal.files))")
        let ids = journal.invoiceIDs
        XCTAssertEqual(Set(ids).count, ids.count, "an invoice has two journal lines: \(Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted())")
        XCTAssertEqual(Set(ids), booked, "journal lines and booked invoices differ")
        let seqs = journal.sequenceNumbers
        XCTAssertEqual(seqs.count, ids.count, "a line without seq")
        XCTAssertEqual(Set(seqs).count, seqs.count, "a seq appears twice")
        for e in journal.entries {
            for key in ["seq", "invoice_id", "booked_at", "booked_by", "amount_due", "postings", "pay", "document_kind"] where e[key] == nil {
                XCTFail("journal line without \(key): \(e)")
            }
        }
        XCTAssertTrue(journal.otherNames.allSatisfy { $0.hasPrefix(".") }, "unexpected files in the journal folder: \(journal.otherNames)")

        // 5. Approvals: each invoice approved at most once, by one operator; the racing pair had exactly one winner.
        for r in records where r.state == .booked {
            let approved = eventsByID[r.id]?.filter { $0.action == "approved" } ?? []
            XCTAssertEqual(approved.count, 1, "\(r.id) approved \(approved.count) times")
        }
        for a in approvals {
            guard let o = a.process.wait(timeout: 1) else { continue }
            let approvedBy = eventsByID[a.id]?.filter { $0.action == "approved" }.map(\.actor) ?? []
            if o.exitCode == 0 {
                XCTAssertEqual(approvedBy, ["operator:\(a.user)"], "approve by \(a.user) said yes: \(o)")
            } else if o.exitCode != nil {
                XCTAssertEqual(o.exitCode, 2, "a refused approve exits 2: \(o)")
                XCTAssertFalse(approvedBy.contains("operator:\(a.user)"))
                // The only refusal an approvable invoice gets is losing the race to the other operator.
                XCTAssertTrue(["changed while you acted on it", "only manual invoices can be approved"].contains { o.stderr.contains($0) }, "approve by \(a.user) refused for another reason than a lost race: \(o)")
            }
        }
        let raced = Dictionary(grouping: approvals, by: \.id).filter { $0.value.count == 2 }
        for (id, pair) in raced where pair.allSatisfy({ $0.process.wait(timeout: 1)?.exitCode != nil }) {
            XCTAssertEqual(pair.filter { $0.process.wait(timeout: 1)?.exitCode == 0 }.count, 1, "two operators raced on \(id): exactly one must win")
        }
        XCTAssertGreaterThan(booked.count, 0, "no approval got through: the journal was never exercised")
    }

    /// SIGTERM in the middle of a big Inbox: the batch in hand is finished, nothing is left half-done, exit 0;
    /// a later run takes the rest.
    func testSIGTERMFinishesTheBatchInHandAndLeavesTheRestForLater() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", pollIntervalMs: 10, intake: ["batch_size: 50"])
        let inputs = try Self.makeInputs(distinct: 800, duplicates: 0, broken: 0)
        for (path, data) in inputs.files { try root.deliver(data, to: path) }
        let daemon = try root.startDaemon()
        defer { daemon.kill() }
        XCTAssertTrue(poll(timeout: 30) { FileManager.default.fileExists(atPath: root.databasePath) && ((try? root.records().count) ?? 0) > 0 })
        daemon.terminate()
        guard let end = daemon.wait(timeout: 20) else { return XCTFail("no stop within 20 s of SIGTERM") }
        XCTAssertEqual(end.exitCode, 0, "\(end)")

        let records = try root.records()
        XCTAssertFalse(records.contains { $0.state == .received }, "SIGTERM left invoices half-done")
        let left = Set(root.inboxFiles())
        XCTAssertEqual(records.count + left.count, inputs.files.count, "files lost or doubled at the stop")
        XCTAssertTrue(Set(records.map(\.sourcePath)).isDisjoint(with: left), "a file is both recorded and still in the Inbox")
        XCTAssertGreaterThan(left.count, 0, "the stop came too late to test anything (all \(records.count) done)")

        XCTAssertEqual(try root.bilag(["run", "--once"]).exitCode, 0)
        XCTAssertEqual(root.inboxFiles(), [])
        let all = try root.records()
        XCTAssertEqual(all.count, inputs.files.count)
        XCTAssertEqual(Set(all.map(\.sourcePath)), Set(inputs.files.keys))
    }

    // MARK: JournalWriter, unit level

    /// A store holding `count` booked invoices whose journal entries are not yet written.
    func storeWithBookings(_ root: TemporaryRoot, count: Int) throws -> Store {
        try FileManager.default.createDirectory(atPath: root.state, withIntermediateDirectories: true)
        let store = try Store(path: root.databasePath)
        let now = Timestamp.string()
        let claims = (1...count).map { ClaimRecord(id: "20261123-000000-\(String(format: "%06d", $0))-test", channel: "peppol", sourcePath: "peppol/\($0).xml", storedPath: "originals/x/\($0).xml", sha256: String(repeating: "\($0 % 10)", count: 64), size: 100, receivedAt: now) }
        try store.recordClaims(claims)
        let outcomes = claims.map { c -> Outcome in
            var o = Outcome(invoiceID: c.id, state: .booked, actor: "operator:test", action: "approved")
            o.booked = BookedInvoice(invoiceID: c.id, bookedAt: now, bookedBy: o.actor, postings: [Posting(account: "5250", netAmount: Amount(parsing: "100.00")!, vatAmount: Amount(parsing: "25.00")!)], sha256: c.sha256)
            return o
        }
        XCTAssertEqual(try store.apply(outcomes), [])
        return store
    }

    /// Writes the file a writer killed between its rename and its mark would leave: the entries' lines, seq filled in.
    func writeUnmarkedJournalFile(_ entries: [Store.PendingJournalEntry], into directory: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        for e in entries {
            data.append(try encoder.encode(JournalLine(seq: e.seq, booked: try e.booked())))
            data.append(0x0A)
        }
        let pad = { (n: Int64) in String(format: "%012lld", n) }
        let name = "journal-\(LocalDate.today(Date()))-\(pad(entries.first!.seq))-\(pad(entries.last!.seq)).jsonl"
        try data.write(to: URL(fileURLWithPath: directory + "/" + name))
        return name
    }

    /// Recovery as the daemon does it (`reconcile`, then `flush`): entries already in a file are not written again.
    func testJournalReconcileMarksEntriesAFileAlreadyHoldsSoTheyAreNotWrittenAgain() throws {
        let root = try TemporaryRoot()
        let store = try storeWithBookings(root, count: 3)
        let writer = OutboxFiles(JournalWriter(), outbox: root.outbox)
        try FileIO.makeDirectory(writer.directory)
        let pending = try store.unflushedJournal(limit: 100)
        XCTAssertEqual(pending.count, 3)
        _ = try writeUnmarkedJournalFile(Array(pending.prefix(2)), into: writer.directory)

        try writer.reconcile(with: store)
        XCTAssertEqual(try store.unflushedJournal(limit: 100).map(\.seq), [pending[2].seq], "reconcile marks what the file holds, and only that")
        XCTAssertEqual(try writer.flush(store), 1, "only the entry no file holds is written")
        XCTAssertEqual(try writer.flush(store), 0)
        let journal = try root.journal()
        XCTAssertEqual(journal.invoiceIDs.sorted(), pending.map(\.invoiceID).sorted())
        XCTAssertEqual(journal.sequenceNumbers.sorted(), pending.map { Int($0.seq) })
        XCTAssertEqual(journal.files.count, 2)
    }

    /// The same crash, followed by a flush without an explicit reconcile — what `bilag queue approve` does (it
    /// flushes after booking, and never runs recovery) and what the daemon does after every batch.
    func testJournalFlushAfterACrashBetweenRenameAndMarkDoesNotWriteEntriesTwice() throws {
        let root = try TemporaryRoot()
        let store = try storeWithBookings(root, count: 3)
        let writer = OutboxFiles(JournalWriter(), outbox: root.outbox)
        try FileIO.makeDirectory(writer.directory)
        let pending = try store.unflushedJournal(limit: 100)
        _ = try writeUnmarkedJournalFile(Array(pending.prefix(2)), into: writer.directory)
        // And the temporary file of a writer killed before its rename.
        try Data("{\"seq\":".utf8).write(to: URL(fileURLWithPath: writer.directory + "/.tmp-" + UUID().uuidString))

        try writer.flush(store)
        let journal = try root.journal()
        let ids = journal.invoiceIDs
        XCTAssertEqual(ids.count, 3, "journal lines after the flush: \(journal.files)")
        XCTAssertEqual(Set(ids).count, ids.count, "an entry was written a second time")
        XCTAssertEqual(Set(ids), Set(pending.map(\.invoiceID)))
        XCTAssertEqual(journal.brokenLines, [])
        XCTAssertEqual(try store.unflushedJournal(limit: 100).count, 0)
        XCTAssertEqual(journal.otherNames, [], "the dead writer's temporary file is cleaned up")
    }
}
