import BilagCore
import BilagIntake
import BilagStore
import BilagTestKit
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// kill -9, operators approving (and being killed) meanwhile, and a store restored from a backup taken mid-run, all
/// on one root through the real binary. Counts at the end: every delivered file has exactly one outcome, every booked
/// invoice stands in exactly one journal line, and nothing is booked that nobody decided.
final class ChaosTests: XCTestCase {
    func testKillNineOperatorsAndARestoredBackupLoseNothingAndBookNothingTwice() throws {
        var rng = SeededGenerator()
        print("ChaosTests seed \(rng.seed) — replay with BILAG_TEST_SEED=\(rng.seed)")
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", pollIntervalMs: 10, intake: ["batch_size: 20"])
        let template = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
        let waves = (0..<4).map { w in template.stamp(count: 60, prefix: "CHAOS\(w)") }
        var delivered: [String: String] = [:]          // sha256 → Inbox path
        func deliver(_ wave: Int) throws {
            for s in waves[wave] {
                let path = "peppol/w\(wave)/\(s.number).xml"
                try root.deliver(s.data, to: path)
                delivered[ContentHash.sha256(s.data)] = path
            }
        }
        /// The records as the database holds them now (opened for this read only: the file may be replaced).
        func records() throws -> [InvoiceRecord] {
            guard FileManager.default.fileExists(atPath: root.databasePath) else { return [] }
            return try Store(path: root.databasePath).invoices(limit: 100_000)
        }

        var approvalsStarted = Set<String>()
        var backup: String?
        var restored = false
        var kills = 0
        let deadline = Date().addingTimeInterval(150)
        try deliver(0)
        for round in 1...14 {
            if Date() >= deadline { XCTFail("the chaos loop ran out of time at round \(round)"); break }
            if round == 3 { try deliver(1) }
            if round == 9 { try deliver(2) }
            if round == 12 { try deliver(3) }
            let daemon = try root.start(["run"], label: "daemon-\(round)")
            _ = daemon.waitForStderr(containing: "bilag started", timeout: 20)
            // Operators: a few approvals of queued invoices, two racing on the first; one of them may be killed.
            var operators: [BilagProcess] = []
            let queued = ((try? records()) ?? []).filter { $0.state == .manual }.shuffled(using: &rng).prefix(3)
            for (k, r) in queued.enumerated() {
                approvalsStarted.insert(r.id)
                for user in (k == 0 ? ["alice", "bob"] : ["carol"]) {
                    operators.append(try root.start(["queue", "approve", r.id, "--account", "5250", "--dim", "costcentre=\(4700 + k)", "--user", user], label: "approve-\(user)"))
                }
            }
            // The backup, taken while the daemon and the operators work.
            if round == 4 {
                let path = root.path + "/backup-round-4.sqlite"
                let o = try root.bilag(["store", "backup", path])
                XCTAssertEqual(o.exitCode, 0, "\(o)")
                backup = path
                // So that the restore of round 8 always has something to find, whatever the seed and the host's speed:
                // one more approval after the backup, its booking in the Outbox before the daemon is killed.
                if let late = ((try? records()) ?? []).first(where: { $0.state == .manual && !approvalsStarted.contains($0.id) }) {
                    approvalsStarted.insert(late.id)
                    try root.bilagSucceeding(["queue", "approve", late.id, "--account", "5250", "--dim", "costcentre=4799", "--user", "dave"])
                    XCTAssertTrue(poll(timeout: 30, interval: 0.05) { (try? root.journal().invoiceIDs.contains(late.id)) ?? false }, "the approval after the backup never reached the Outbox")
                }
            }
            Thread.sleep(forTimeInterval: Double.random(in: 0.05...0.5, using: &rng))
            if Bool.random(using: &rng), let victim = operators.randomElement(using: &rng) { victim.kill() }
            daemon.kill()
            if daemon.wait(timeout: 20)?.signal == SIGKILL { kills += 1 }
            for p in operators where p.wait(timeout: 60) == nil { XCTFail("an approve hung: \(p.command)"); p.kill() }

            // The restore: the database replaced by the round-4 backup, which the approvals since then are not in.
            if round == 8, let backup {
                for suffix in ["", "-wal", "-shm"] { unlink(root.databasePath + suffix) }
                try FileManager.default.copyItem(atPath: backup, toPath: root.databasePath)
                let check = try root.bilag(["store", "check"])
                if check.exitCode == 5 {
                    let refused = try root.bilag(["run", "--once"], timeout: 60)
                    XCTAssertNotEqual(refused.exitCode, 0, "the daemon ran on a store behind its Outbox: \(refused)")
                    XCTAssertTrue(refused.stderr.contains("behind its Outbox"), refused.stderr)
                    let rebuilt = try root.bilag(["store", "rebuild", "--yes"])
                    XCTAssertEqual(rebuilt.exitCode, 0, "\(rebuilt)")
                    restored = true
                } else {
                    XCTAssertEqual(check.exitCode, 0, "\(check)")
                }
            }
        }
        XCTAssertGreaterThanOrEqual(kills, 10)
        XCTAssertTrue(restored, "the backup was never behind the Outbox: the restore tested nothing (seed \(rng.seed))")

        // An undisturbed run finishes what the kills left.
        try root.bilagSucceeding(["run", "--once"], timeout: 120)
        XCTAssertEqual(try root.bilag(["store", "check"]).exitCode, 0, "the store and its Outbox disagree at the end")

        // Every delivered file: exactly one record, one outcome, its original kept.
        XCTAssertEqual(root.inboxFiles(), [])
        let all = try records()
        let byHash = Dictionary(grouping: all, by: \.sha256)
        for (hash, path) in delivered {
            XCTAssertEqual(byHash[hash]?.count, 1, "\(path) has \(byHash[hash]?.count ?? 0) records")
        }
        XCTAssertEqual(all.count, delivered.count, "records that no delivered file explains")
        for r in all {
            XCTAssertTrue([.booked, .manual].contains(r.state), "\(r.id) ended \(r.state) (\(r.reasonCode ?? ""))")
            XCTAssertEqual(FileManager.default.contents(atPath: root.originalPath(of: r)).map(ContentHash.sha256), r.sha256, "\(r.id): original not kept intact")
        }

        // Every booked invoice in exactly one journal line; nothing booked that nobody decided (no robots run here:
        // only the operators' approvals book).
        let journal = try root.journal()
        XCTAssertEqual(journal.brokenLines, [])
        let ids = journal.invoiceIDs
        XCTAssertEqual(Set(ids).count, ids.count, "an invoice has two journal lines: \(Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted())")
        XCTAssertEqual(Set(journal.sequenceNumbers).count, ids.count, "a sequence number stands twice")
        let booked = Set(all.filter { $0.state == .booked }.map(\.id))
        XCTAssertEqual(Set(ids), booked, "journal lines and booked invoices differ")
        XCTAssertTrue(booked.isSubset(of: approvalsStarted), "booked without an approval: \(booked.subtracting(approvalsStarted).sorted())")
        XCTAssertGreaterThan(booked.count, 3, "too few approvals got through to test anything")
        print("ChaosTests: \(kills) kill -9, \(approvalsStarted.count) invoices approved by operators, \(booked.count) booked, restore tested: \(restored)")
    }
}
