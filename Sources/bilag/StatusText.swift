import Foundation
import BilagEngine
import BilagOutbox
import BilagStore

/// Counts by state, each with its reasons, as `status` and `run --once` print them.
enum CountsText {
    static func lines(_ c: StatusCounts, indent: String = "  ") -> [String] {
        var out: [String] = []
        for (state, n) in c.byState.sorted(by: { $0.key < $1.key }) {
            out.append("\(indent)\(state): \(n)")
            for (reason, m) in (c.byReason[state] ?? [:]).sorted(by: { $0.value > $1.value }) { out.append("\(indent)    \(reason): \(m)") }
        }
        return out
    }
}

/// What read-only commands say in a bilag root whose state bilag has not created yet.
enum NotRunYet {
    /// What a root without a state database means: not run yet, or — when its Outbox holds journal files — a store
    /// that was lost (deleted, or never restored), which `bilag run` refuses as behind its Outbox.
    static func text(_ config: BilagConfig) -> String {
        let journal = (try? FileManager.default.contentsOfDirectory(atPath: config.outboxPath + "/journal"))?.filter(JournalWriter.isJournalFile) ?? []
        guard journal.isEmpty else {
            return "WARNING: no state database at \(config.databasePath), but the Outbox holds \(journal.count) journal file(s): the store was lost; "
                + "restore it from the last backup, or rebuild it with `bilag store rebuild --yes` (stop bilag first)"
        }
        return "bilag has not run in \(config.root) yet (no state database at \(config.databasePath)); start it with `bilag run`"
    }
}
