import BilagCore
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// Claims on write-backs being sent. Two senders may look at the same pending update at once — the daemon's
/// case-update service and an operator's `bilag queue retry`, or two daemons on one store — and a read just before
/// the send ("still pending?") lets both send it. So a sender **claims** the update first, in one statement that
/// succeeds for one sender only: the update is still pending, may go now (no reversal of its invoice pending), and
/// nobody else holds a live claim on it. Whatever ends the attempt (sent, refused, failed, given up) drops the claim.
///
/// A claim names its claimant (`PID:START:TOKEN`) and lasts a lease. A sender killed while sending leaves its claim behind:
/// it lapses at once when that process is gone (the store is local, so every sender runs on this machine), and at the
/// latest when its lease runs out; the update is then sent again under its idempotency key, which the case system
/// answers "already done" if the first send arrived.
extension Store {
    /// A claimant name for one sender: its process (the pid and the process's start time, so that a pid used again
    /// later is not taken for it) and a token of its own. `pid` other than this process's is for tests.
    public static func caseUpdateClaimant(pid: Int32 = getpid()) -> String {
        "\(pid):\(processStart(pid) ?? "-"):\(UUID().uuidString.prefix(8))"
    }

    /// Claims the pending update `id` for `claimant` for `lease` seconds; false when it is not pending any more, waits
    /// for a reversal of its invoice, or another live sender holds it.
    public func claimCaseUpdate(_ id: Int64, by claimant: String, lease: TimeInterval = 300, now: Date = Date()) throws -> Bool {
        try !claimCaseUpdates([id], by: claimant, lease: lease, now: now).isEmpty
    }

    /// `claimCaseUpdate` for many updates in one transaction (a connector's batch): the ids claimed.
    public func claimCaseUpdates(_ ids: [Int64], by claimant: String, lease: TimeInterval = 300, now: Date = Date()) throws -> Set<Int64> {
        guard !ids.isEmpty else { return [] }
        let until = Timestamp.string(now.addingTimeInterval(lease)), at = Timestamp.string(now)
        return try pool.write { db in
            let claim = try db.cachedStatement(sql: """
                UPDATE case_update SET claimed_by = ?, claimed_until = ? WHERE id = ? AND state = 'pending' AND (claimed_until IS NULL OR claimed_until <= ?)
                  AND (compensates IS NOT NULL OR NOT EXISTS (\(Self.pendingReversalOfInvoice)))
                """)
            var claimed = Set<Int64>()
            for id in ids {
                try claim.run(db) { b in b.text(claimant); b.text(until); b.int(id); b.text(at) }
                if db.changesCount == 1 { claimed.insert(id); continue }
                // Held by a sender whose process is gone (killed while sending): its claim is void. Taken over only
                // from that very claimant, so of two senders finding it dead one takes it.
                guard let holder = try String.fetchOne(db, sql: "SELECT claimed_by FROM case_update WHERE id = ? AND state = 'pending' AND claimed_until > ?", arguments: [id, at]),
                      !Self.claimantAlive(holder) else { continue }
                try db.execute(sql: """
                    UPDATE case_update SET claimed_by = ?, claimed_until = ? WHERE id = ? AND state = 'pending' AND claimed_by = ?
                      AND (compensates IS NOT NULL OR NOT EXISTS (\(Self.pendingReversalOfInvoice)))
                    """, arguments: [claimant, until, id, holder])
                if db.changesCount == 1 { claimed.insert(id) }
            }
            return claimed
        }
    }

    /// Drops `claimant`'s claim on `id` (a sender that claimed it and then did not send: its case system's breaker is
    /// open).
    public func releaseCaseUpdateClaim(_ id: Int64, by claimant: String) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE case_update SET claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?", arguments: [id, claimant])
        }
    }

    /// Who holds a live claim on `id` now, if anyone (for tests and `queue show`).
    public func caseUpdateClaim(_ id: Int64, now: Date = Date()) throws -> String? {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT claimed_by FROM case_update WHERE id = ? AND state = 'pending' AND claimed_until > ?", arguments: [id, Timestamp.string(now)])
        }
    }

    /// False when the claimant's process is known to be gone (no such process, a zombie not yet reaped, or another
    /// process under the same pid); true for this process and any process alive.
    static func claimantAlive(_ claimant: String) -> Bool {
        let parts = claimant.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let pid = parts.first.flatMap({ Int32($0) }), pid > 0 else { return true }
        if pid == getpid() { return true }
        guard FileManager.default.fileExists(atPath: "/proc/self/stat") else { return kill(pid, 0) == 0 || errno != ESRCH }
        guard let start = processStart(pid) else { return false }
        return parts.count < 3 || parts[1] == "-" || parts[1] == start
    }

    /// When process `pid` started (field 22 of `/proc/PID/stat`, in clock ticks since boot); nil when there is no such
    /// process, it is a zombie (killed, not yet reaped), or there is no `/proc`.
    static func processStart(_ pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, fields[0] != "Z", fields[0] != "X" else { return nil }
        return String(fields[19])
    }
}
