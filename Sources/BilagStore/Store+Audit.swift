import BilagCore
import Foundation
import GRDB

/// An audited action that is not one invoice's: a bulk reveal of personal data (listing what was revealed), a
/// plan ended, a robot resumed.
public struct AuditRecord: Codable, Sendable, Equatable {
    /// The record's number, in order of writing.
    public var id: Int64
    /// When (a `Timestamp`).
    public var at: String
    /// Who: `operator:NAME`.
    public var actor: String
    /// What: `revealed`, `plan-added`, `plan-ended`, `plans-imported`, `robot-resumed`.
    public var action: String
    /// What was acted on: a command, a plan id, a robot name.
    public var subject: String
    /// JSON: the purpose, the note, what was revealed.
    public var detail: String?
}

extension Store {
    /// Records an audited action that is not one invoice's (invoice actions go to the invoice's own trail, `audit`).
    public func auditAction(actor: String, action: String, subject: String, detail: String?) throws {
        try pool.write { db in
            try db.execute(sql: "INSERT INTO audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)", arguments: [Timestamp.string(), actor, action, subject, detail])
        }
    }

    /// The audit records, newest first.
    public func auditRecords(limit: Int = 1000) throws -> [AuditRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, at, actor, action, subject, detail FROM audit ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
                AuditRecord(id: $0[0], at: $0[1], actor: $0[2], action: $0[3], subject: $0[4], detail: $0[5])
            }
        }
    }
}
