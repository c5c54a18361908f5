import BilagCore
import GRDB

/// Database errors as the operator should read them, wherever they surface (opening, or a query of a command).
public enum DatabaseTrouble {
    /// A damaged database file: restore or rebuild, not "check the disk".
    public static func damaged(_ path: String?, _ detail: String) -> BilagError {
        BilagError("database-corrupt", "\(name(path)) is damaged: \(detail)",
                   remedy: "stop bilag, keep the damaged file aside, and restore the database from the last backup, or rebuild it from the kept originals with `bilag store rebuild`")
    }

    /// The typed error for a database error (a damaged file, or another failure of the state database); nil for
    /// errors that are not the database's. `path` is the database file when known.
    public static func typed(_ error: Error, path: String?) -> BilagError? {
        guard let e = error as? DatabaseError else { return nil }
        if e.resultCode == .SQLITE_NOTADB || e.resultCode == .SQLITE_CORRUPT { return damaged(path, e.message ?? "\(e)") }
        return BilagError("database-unavailable", "\(name(path)) failed: \(e.message ?? "\(e)")",
                          remedy: "check that the state folder is writable and has room, and that no other program holds the database; then repeat the command")
    }

    static func name(_ path: String?) -> String { path.map { "the database at \($0)" } ?? "the state database" }
}
