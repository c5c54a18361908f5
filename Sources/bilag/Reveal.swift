import ArgumentParser
import BilagCore
import BilagStore
import Foundation

/// `--reveal --purpose TEXT`, on every command that can show personal ids.
struct RevealOptions: ParsableArguments {
    @Flag(help: "Show personal ids (CPR numbers, fødselsnummer) unmasked. Needs --purpose; the opening is audited with your user and the purpose.")
    var reveal = false

    @Option(help: "Why you open personal data, e.g. \"klage 2026-118\" (required with --reveal; kept in the audit trail).")
    var purpose: String?

    /// Checks the options of a command that records nothing unless it reveals: the purpose as `requestedPurpose`,
    /// and a `--note` without `--reveal` refused rather than dropped.
    func check(note: String?) throws {
        _ = try requestedPurpose()
        if note != nil && !reveal {
            throw BilagError("note-unused", "--note is kept in the audit trail with an opening of personal data, and this command records nothing without --reveal",
                             remedy: "leave out --note, or open with --reveal --purpose \"…\" and the note is kept with it")
        }
    }

    /// The stated purpose when `--reveal` is given, nil without it; refused when `--reveal` has no purpose.
    func requestedPurpose() throws -> String? {
        guard reveal else { return nil }
        let p = (purpose ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !p.isEmpty else {
            throw BilagError("purpose-missing", "--reveal shows personal data (CPR numbers, fødselsnummer) and needs a stated purpose",
                             remedy: "add --purpose, e.g. --reveal --purpose \"klage 2026-118\"; the purpose is kept with your user in the audit trail")
        }
        return p
    }
}

/// The permission to show personal ids unmasked. It names who and why, and exists only once the opening has been
/// written to the audit trail: the constructors audit first.
struct Reveal {
    /// The operator who opened the data.
    let user: String
    /// Why, as stated with `--purpose`.
    let purpose: String

    private init(user: String, purpose: String) { self.user = user; self.purpose = purpose }

    /// Audits the opening of one invoice in its own trail (event `revealed`, with the purpose and any note) and
    /// grants; nil when `--reveal` was not given.
    static func invoice(_ id: String, _ options: RevealOptions, user: String, note: String?, command: String, store: Store) throws -> Reveal? {
        guard let purpose = try options.requestedPurpose() else { return nil }
        try store.audit(id, actor: "operator:\(user)", action: "opened", detail: try AuditDetail.json(["purpose": purpose, "command": command, "note": note]))
        return Reveal(user: user, purpose: purpose)
    }

    /// Audits a bulk opening (an export, a dry run of a file) as one record listing what is revealed, and grants;
    /// nil when `--reveal` was not given.
    static func bulk(_ items: [String], _ options: RevealOptions, user: String, note: String?, command: String, store: Store) throws -> Reveal? {
        guard let purpose = try options.requestedPurpose() else { return nil }
        try store.auditAction(actor: "operator:\(user)", action: "revealed", subject: command,
                              detail: try AuditDetail.json(["purpose": purpose, "note": note, "revealed": items.joined(separator: " ")]))
        return Reveal(user: user, purpose: purpose)
    }
}

/// The detail of an audit record: a small JSON object of texts, absent values left out.
enum AuditDetail {
    static func json(_ fields: [String: String?]) throws -> String {
        String(decoding: try Console.compactEncoder.encode(fields.compactMapValues { $0 }), as: UTF8.self)
    }
}
