import BilagCore

/// The store does not know what its own Outbox or state folder already holds: it was restored from an older copy,
/// lost its write-ahead log, or was deleted or emptied. Acting on it could book an invoice a second time, or mark new
/// bookings as written to old files; so bilag refuses to go on and says how to recover.
public struct StoreBehindOutbox: OperatorFacingError, Equatable {
    public let code = "store-behind-outbox"
    /// What was found, one sentence each.
    public let findings: [String]
    public let storePath: String

    public init(findings: [String], storePath: String) {
        self.findings = findings
        self.storePath = storePath
    }

    public var message: String {
        "the store \(storePath) is behind its Outbox and state folder: " + findings.prefix(5).joined(separator: "; ")
            + (findings.count > 5 ? "; and \(findings.count - 5) more" : "")
    }

    public var remedy: String {
        "nothing was processed. Run `bilag store check` for the full list, then either restore the newest backup of the database taken after the files named, or run `bilag store rebuild` to rebuild the store from the Outbox journal and the kept originals (see README: Recovering the store)"
    }
}
