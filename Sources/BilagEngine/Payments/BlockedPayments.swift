import BilagCore
import BilagOutbox
import BilagStore
import Foundation

/// `bilag payments`: what an operator does with a payment bilag blocked when it took the booking up — a payee account
/// that is not known for a supplier with known accounts (`payee-account-changed`), a reference or means the payments
/// writer cannot carry. Both ways out are audited:
///
/// - **release**: the payee instruction is read again from the booking and checked as at take-up (its reference,
///   the writer's version, the fraud guard); the payment opens and goes into the next payment file. Four eyes: the
///   account must be a trusted one of the supplier's (imported as its first master data, or confirmed with `bilag
///   suppliers confirm`), and whoever imported or confirmed it cannot also release the payment.
/// - **cancel**: the payment is not paid by bilag (pay it by hand); a blocked or a waiting one, never a filed one.
public struct BlockedPayments {
    public let pipeline: Pipeline
    var store: Store { pipeline.store }

    public init(pipeline: Pipeline) { self.pipeline = pipeline }

    /// The payments writer, or `payments-not-configured`.
    func writer() throws -> PaymentFiles {
        guard let w = pipeline.outbox.payments else {
            throw BilagError("payments-not-configured", "bilag.yaml has no payments writer, so bilag pays nothing", remedy: "see docs/outbox.md, Payments, to set one up")
        }
        return w
    }

    /// The payments in `state` (every one when nil), oldest booking first.
    public func list(state: String?) throws -> [PaymentRecord] { try store.payments(state: state) }

    /// Releases the blocked payment of invoice `id` into the next payment file, and writes that file at once when the
    /// payment is due (a daemon would at its next flush); returns the payment as it is then.
    @discardableResult
    public func release(_ id: String, by user: String, note: String?) throws -> PaymentRecord {
        let writer = try writer()
        let r = try ManualQueue(pipeline: pipeline).find(id)
        let p = try payment(r.id, expecting: "blocked", action: "release")
        guard let entry = try store.bookings([p.seq]).first else {
            throw BilagError("payment-unwritable", "the booking of invoice \(r.id) is not in the store", remedy: "run `bilag store check`")
        }
        let cancel = "pay it by hand, then record that with `bilag payments cancel \(r.id) --user NAME --note \"paid by hand\"`"
        let instruction: PayeeInstruction
        switch PayeeInstruction.of(try entry.booked(), country: writer.settings.country) {
        case let .failure(d): throw BilagError(d.code, "the payment of invoice \(r.id) still cannot be made: \(d.message)", remedy: cancel)
        case let .success(i): instruction = i
        }
        guard writer.settings.supports(instruction) else {
            throw BilagError(PaymentDeviation.meansUnsupported, "\(writer.settings.version.rawValue) cannot carry the payment of invoice \(r.id) to \(instruction.label)", remedy: "use version: pain.001.001.03, or \(cancel)")
        }
        let actor = ManualQueue.actor(user)
        if let supplier = p.supplierKey, let own = try store.payeeAccounts(supplier: supplier).first(where: { $0.accountKey == instruction.accountKey && $0.vouched(by: actor) }) {
            let did = own.confirmedBy == actor ? "confirmed" : "imported"
            throw BilagError("segregation-of-duties", "\(user) \(did) the payee account \(own.label) of this supplier and so cannot also release the payment of invoice \(r.id)",
                             remedy: "ask another operator to release it")
        }
        let json = String(decoding: try Self.encoder.encode(instruction), as: UTF8.self)
        switch try store.releaseBlockedPayment(r.id, instruction: json, accountKey: instruction.accountKey, label: instruction.label, actor: actor, note: note) {
        case let .success(released):
            try writer.flush(store)
            return try store.payment(r.id) ?? released
        case let .failure(refusal):
            throw Self.error(refusal, id: r.id, action: "release", account: instruction.label, supplier: p.supplierName ?? p.supplierKey ?? "the supplier")
        }
    }

    /// Cancels the blocked or waiting payment of invoice `id`: bilag will not pay it (`note` says why, e.g. "paid by
    /// hand").
    @discardableResult
    public func cancel(_ id: String, by user: String, note: String?) throws -> PaymentRecord {
        _ = try writer()
        guard let note, !note.trimmingWhitespace().isEmpty else {
            throw BilagError("usage", "cancelling a payment needs a --note saying why (e.g. \"paid by hand on 2026-12-04\")", remedy: "give --note")
        }
        let r = try ManualQueue(pipeline: pipeline).find(id)
        _ = try payment(r.id, expecting: nil, action: "cancel")
        switch try store.cancelPayment(r.id, actor: ManualQueue.actor(user), note: note) {
        case let .success(p): return p
        case let .failure(refusal): throw Self.error(refusal, id: r.id, action: "cancel", account: nil, supplier: nil)
        }
    }

    /// The invoice's payment, in `state` when one is expected.
    func payment(_ id: String, expecting state: String?, action: String) throws -> PaymentRecord {
        guard let p = try store.payment(id) else { throw Self.error(.none, id: id, action: action, account: nil, supplier: nil) }
        if let state, p.state != state { throw Self.error(.state(p.state, file: p.file), id: id, action: action, account: nil, supplier: nil) }
        return p
    }

    static func error(_ refusal: Store.PaymentActionRefusal, id: String, action: String, account: String?, supplier: String?) -> BilagError {
        switch refusal {
        case .none:
            return BilagError("payment-not-found", "invoice \(id) has no payment: it is not booked to be paid, or was booked before the payments writer started",
                              remedy: "see its state with `bilag queue show \(id)`")
        case let .state(state, file):
            if let file { return BilagError("payment-filed", "the payment of invoice \(id) is in payment file \(file) already; it is never paid again", remedy: "ask the bank about that file") }
            return BilagError("payment-not-blocked", "the payment of invoice \(id) is \(state), so there is nothing to \(action)",
                              remedy: "`bilag payments list --state blocked` lists the blocked payments; a waiting (open) one goes into a file on its own")
        case let .accountUnknown(known):
            return BilagError(PaymentDeviation.payeeAccountChanged, "\(account ?? "the account") is not a known account of \(supplier ?? "the supplier") (known: \(known))",
                              remedy: "check it with the supplier through a channel you already know, confirm it with `bilag suppliers confirm --invoice \(id) --user NAME`, then another operator releases the payment")
        }
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()
}
