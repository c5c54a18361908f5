import BilagStore
import BilagTestKit
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Roots for the Outbox's tests through the real binary: invoices delivered and run into the manual queue, and
/// operators approving them.
extension TemporaryRoot {
    /// Writes `config`, delivers `count` copies of the PEPPOL base example numbered `PREFIX-1`…, runs bilag once (with
    /// no robots they all go to the manual queue) and returns their ids in delivery order.
    func queuedInvoices(_ count: Int, prefix: String, config: String) throws -> [String] {
        try writeConfig(config)
        let template = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
        for i in 1...count { try deliver(template.invoice(number: "\(prefix)-\(i)"), to: "peppol/\(prefix.lowercased())-\(String(format: "%03d", i)).xml") }
        try bilagSucceeding(["run", "--once"])
        return try Store(path: databasePath).invoices(limit: 100_000).sorted { $0.sourcePath < $1.sourcePath }.map(\.id)
    }

    /// The command line of an operator's approval of `id` (account 5250, cost centre 4711).
    static func approval(_ id: String, user: String = "alice", extra: [String] = []) -> [String] {
        ["queue", "approve", id, "--account", "5250", "--dim", "costcentre=4711", "--user", user] + extra
    }

    /// Rounds of a daemon and five operators' approvals of the invoices still in the manual queue, the daemon and one
    /// approval of several killed with -9 at random moments, until none is left or 30 rounds have passed; returns how
    /// many processes were killed and the ids still open.
    func approveUnderKills(_ open: [String], rng: inout SeededGenerator) throws -> (kills: Int, open: [String]) {
        var open = open, round = 0, kills = 0
        while !open.isEmpty, round < 30 {
            round += 1
            let daemon = try start(["run"], label: "daemon-\(round)")
            var approvals: [BilagProcess] = []
            for id in open.shuffled(using: &rng).prefix(5) { approvals.append(try start(TemporaryRoot.approval(id), label: "approve")) }
            Thread.sleep(forTimeInterval: Double.random(in: 0.01...0.15, using: &rng))
            // One approval of several is killed (a lone one would be killed in every round, and never get through).
            if approvals.count > 1, let victim = approvals.randomElement(using: &rng), victim.isRunning { victim.kill(); kills += 1 }
            Thread.sleep(forTimeInterval: Double.random(in: 0.01...0.2, using: &rng))
            daemon.kill()
            if daemon.wait(timeout: 20)?.signal == SIGKILL { kills += 1 }
            for p in approvals where p.wait(timeout: 30) == nil { p.kill(); XCTFail("an approve hung") }
            open = try Store(path: databasePath).invoices(state: .manual, limit: 100).map(\.id)
        }
        return (kills, open)
    }

    /// For each of `syscalls` and n = 1, 2, …: a fresh root from `prepare` (which returns the invoice to approve), its
    /// approval killed by strace at its nth call of that syscall, then `check(root, step)`; until the approval makes
    /// fewer such calls. Returns how many approvals were killed (0 with a failure when strace is missing).
    static func approvalsKilledAtEachStep(_ syscalls: [String] = ["rename", "link", "unlink"], label: String,
                                          prepare: (TemporaryRoot) throws -> String, check: (TemporaryRoot, String) throws -> Void) throws -> Int {
        var kills = 0
        for syscall in syscalls {
            for n in 1...16 {
                let root = try TemporaryRoot("\(label)-\(syscall)-\(n)")
                let id = try prepare(root)
                guard let killed = try root.bilagKilled(at: syscall, nth: n, approval(id)) else {
                    XCTFail("strace is not installed: scripts/setup installs it")
                    return 0
                }
                // The approval made fewer such calls: this call's sweep is done.
                if killed.signal != SIGKILL { XCTAssertEqual(killed.exitCode, 0, "\(killed)"); break }
                kills += 1
                try check(root, "killed at \(syscall) #\(n)")
            }
        }
        return kills
    }

    /// After a kill: `run --once` must start (false, with a failure, when it does not), then what is still in the
    /// manual queue is approved and a last run finishes what is left.
    func restartedAfterAKillEverythingApproved(_ step: String) throws -> Bool {
        let restart = try bilag(["run", "--once"])
        XCTAssertEqual(restart.exitCode, 0, "\(step): \(restart)")
        guard restart.exitCode == 0 else { return false }
        for id in try Store(path: databasePath).invoices(state: .manual, limit: 10).map(\.id) { try bilagSucceeding(TemporaryRoot.approval(id)) }
        try bilagSucceeding(["run", "--once"])
        return true
    }

    /// The names a killed writer may leave (`.pending-…`, `.tmp-…`, `.publishing-…`) in these folders.
    static func leftovers(in folders: [String]) -> [String] {
        folders.flatMap { dir in ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasPrefix(".pending-") || $0.hasPrefix(".tmp-") || $0.hasPrefix(".publishing-") }.map { dir + "/" + $0 } }
    }
}
