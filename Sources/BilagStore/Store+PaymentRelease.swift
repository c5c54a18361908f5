import BilagCore
import Foundation
import GRDB

/// An operator's way out for a payment bilag blocked at take-up (`blocked`: a payee account not known for its
/// supplier, a reference or means the payments writer cannot carry): **released** into the next payment file once what
/// blocked it is mended, or **cancelled** (paid by hand, or not at all). Each is one transaction with its audit: the
/// invoice's own trail and the audit log.
extension Store {
    /// Why a release or cancel did not happen.
    public enum PaymentActionRefusal: Error, Equatable, Sendable {
        /// No payment was taken up for the invoice.
        case none
        /// The payment is in another state than the action needs (`filed`: in a payment file, never paid again).
        case state(String, file: String?)
        /// The account is still not a trusted one of the supplier's (known: the supplier's accounts).
        case accountUnknown(known: String)
    }

    /// Opens the blocked payment of `invoiceID` with the payee instruction checked again now (`instruction`, JSON, and
    /// its account key), so that the next flush files it; refused when it is no longer blocked, or when its supplier
    /// has known accounts and `accountKey` is not a trusted one of them (the fraud guard, asked in the same
    /// transaction). The account is learnt as paid into.
    public func releaseBlockedPayment(_ invoiceID: String, instruction: String, accountKey: String, label: String, actor: String, note: String?,
                                      now: String = Timestamp.string()) throws -> Result<PaymentRecord, PaymentActionRefusal> {
        try pool.write { db in
            guard var p = try Row.fetchOne(db, sql: "SELECT \(PaymentRecord.columns) FROM payment WHERE invoice_id = ?", arguments: [invoiceID]).map(PaymentRecord.init(row:)) else { return .failure(.none) }
            guard p.state == "blocked" else { return .failure(.state(p.state, file: p.file)) }
            if let supplier = p.supplierKey, let known = try Self.unknownAccount(accountKey, of: supplier, db) { return .failure(.accountUnknown(known: known)) }
            let reason = "released by \(actor)" + (note.map { ": \($0)" } ?? "") + " (was: \(p.reason ?? "blocked"))"
            try db.execute(sql: "UPDATE payment SET state = 'open', instruction = ?, account_key = ?, reason = ? WHERE invoice_id = ? AND state = 'blocked'",
                           arguments: [instruction, accountKey, reason, invoiceID])
            if let supplier = p.supplierKey {
                try Self.learn(PayeeAccountRecord(supplierKey: supplier, accountKey: accountKey, label: label, source: "paid", firstSeen: now, invoiceID: invoiceID), db)
            }
            try Self.auditPayment(invoiceID, actor: actor, action: "payment-released", detail: ["account": accountKey, "note": note ?? "", "was": p.reason ?? ""], now: now, db)
            p.state = "open"; p.instruction = instruction; p.accountKey = accountKey; p.reason = reason
            return .success(p)
        }
    }

    /// Marks the blocked or waiting (`open`) payment of `invoiceID` as not paid by bilag (`not-paid`): the operator pays
    /// it by hand, or it is not to be paid. Refused in any other state (a filed payment is in a file already).
    public func cancelPayment(_ invoiceID: String, actor: String, note: String, now: String = Timestamp.string()) throws -> Result<PaymentRecord, PaymentActionRefusal> {
        try pool.write { db in
            guard var p = try Row.fetchOne(db, sql: "SELECT \(PaymentRecord.columns) FROM payment WHERE invoice_id = ?", arguments: [invoiceID]).map(PaymentRecord.init(row:)) else { return .failure(.none) }
            guard p.state == "blocked" || p.state == "open" else { return .failure(.state(p.state, file: p.file)) }
            let reason = "cancelled by \(actor): \(note) (was \(p.state)\(p.reason.map { ": \($0)" } ?? ""))"
            try db.execute(sql: "UPDATE payment SET state = 'not-paid', reason = ? WHERE invoice_id = ? AND state = ?", arguments: [reason, invoiceID, p.state])
            // Credit set off against it goes back on hold for the supplier's next invoice: the payment it reduced is
            // not made, so the credit is not used up.
            var returned: [String] = []
            for row in try Row.fetchAll(db, sql: "SELECT credit_id, amount FROM payment_setoff WHERE invoice_id = ?", arguments: [invoiceID]) {
                let credit: String = row[0], amount = Amount(parsing: row[1] as String) ?? .zero
                guard let open = try String.fetchOne(db, sql: "SELECT open_amount FROM payment WHERE invoice_id = ?", arguments: [credit]).flatMap(Amount.init(parsing:)) else { continue }
                try db.execute(sql: "UPDATE payment SET open_amount = ?, state = 'held', reason = ? WHERE invoice_id = ?",
                               arguments: [(open + amount).description, "credit to set off against the supplier's next invoices (\(amount) returned when the payment of \(invoiceID) was cancelled)", credit])
                try db.execute(sql: "DELETE FROM payment_setoff WHERE credit_id = ? AND invoice_id = ?", arguments: [credit, invoiceID])
                returned.append("\(credit): \(amount)")
            }
            var detail = ["was": p.state, "note": note]
            if !returned.isEmpty { detail["credit_returned"] = returned.joined(separator: ", ") }
            try Self.auditPayment(invoiceID, actor: actor, action: "payment-cancelled", detail: detail, now: now, db)
            p.state = "not-paid"; p.reason = reason
            return .success(p)
        }
    }

    /// Blocks the waiting (`open`) payment of `invoiceID` with `reason` (the payments writer cannot carry it as it is
    /// set up now), audited as the system's; false when it is no longer open.
    @discardableResult
    public func blockPayment(_ invoiceID: String, reason: String, now: String = Timestamp.string()) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "UPDATE payment SET state = 'blocked', reason = ? WHERE invoice_id = ? AND state = 'open'", arguments: [reason, invoiceID])
            guard db.changesCount == 1 else { return false }
            try Self.auditPayment(invoiceID, actor: "system", action: "payment-blocked", detail: ["reason": reason], now: now, db)
            return true
        }
    }

    /// The invoice's trail and the audit log, in the caller's transaction.
    static func auditPayment(_ invoiceID: String, actor: String, action: String, detail: [String: String], now: String, _ db: Database) throws {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        try db.execute(sql: "INSERT INTO event (invoice_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)", arguments: [invoiceID, now, actor, action, json])
        try db.execute(sql: "INSERT INTO audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)", arguments: [now, actor, action, invoiceID, json])
    }
}
