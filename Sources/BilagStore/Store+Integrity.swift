import BilagCore
import GRDB

extension Store {
    /// What SQLite's `PRAGMA quick_check` finds wrong with the database file (at most `limit` problems; empty when
    /// intact): every page of every table and index read and its structure checked, without comparing indexes with
    /// their tables (`integrity_check` does that too, at several times the cost).
    public func damage(limit: Int = 5) throws -> [String] {
        try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(\(max(1, limit)))") }.filter { $0 != "ok" }
    }

    /// Throws `database-corrupt` when the database file is damaged (a page overwritten, torn or truncated): a
    /// damaged file opens and answers most queries, and acting on it books on a history that is no longer whole.
    public func verifyIntact() throws {
        let problems: [String]
        do { problems = try damage() } catch { throw DatabaseTrouble.typed(error, path: path) ?? error }
        guard problems.isEmpty else { throw DatabaseTrouble.damaged(path, "SQLite's quick check found: " + problems.joined(separator: "; ")) }
    }
}
