import CSQLiteConfig
import Foundation

/// SQLite's memory statistics, turned off before the first connection opens.
///
/// The SQLite bilag links (Debian's) is built without its lookaside allocator, so every small allocation of a
/// statement's run — a cursor, a value's buffer, a record being built — is a `malloc` of its own: about a hundred an
/// invoice on the committing thread alone, as many `free`s, and more on the threads that send write-backs and fill the
/// Outbox. With memory statistics on, SQLite's default, each of these also takes a mutex global to the process,
/// shared by every thread that uses SQLite, and updates counters under it. bilag reads none of those counters (it
/// sets no soft heap limit and never asks `sqlite3_memory_used`), so they are turned off first thing in `main`
/// (`Bilag.main`), before any connection opens: SQLite takes the setting only then.
///
/// `BILAG_SQLITE_MEMSTATUS=on` leaves SQLite's default, for comparing the two.
public enum SQLiteTuning {
    /// Whether the statistics were turned off for this process, decided once, when first read.
    public static let memoryStatisticsOff: Bool = apply(environment: ProcessInfo.processInfo.environment)

    /// Turns the statistics off unless `BILAG_SQLITE_MEMSTATUS=on`; whether they are off. False as well when SQLite was
    /// already in use in this process (it refuses the setting then, and nothing changes).
    public static func apply(environment: [String: String]) -> Bool {
        guard environment["BILAG_SQLITE_MEMSTATUS"] != "on" else { return false }
        return bilag_sqlite3_config_memstatus(0) == 0   // SQLITE_OK
    }

    /// One line for a benchmark's report: what the figures were measured with.
    public static func describe(_ off: Bool) -> String {
        off ? "SQLite: memory statistics off (no process-wide lock at each of its allocations)" : "SQLite: memory statistics on (SQLite's default)"
    }
}
