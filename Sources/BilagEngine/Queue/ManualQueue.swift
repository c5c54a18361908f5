import BilagCore
import BilagOutbox
import BilagStore
import Foundation
import Logging

/// The operators' actions on the manual queue: approve, correct, reject, retry. Every action is audited with
/// who and when; whoever corrected an invoice's posting cannot also approve it (segregation of duties).
public struct ManualQueue {
    public let pipeline: Pipeline
    var store: Store { pipeline.store }
    let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    public init(pipeline: Pipeline) { self.pipeline = pipeline }

    /// The posting an operator gives: account, dimensions and VAT code; amounts come from the invoice.
    public struct PostingInput: Codable, Equatable, Sendable {
        public var account: String
        public var dimensions: [String: String]
        public var vatCode: String?
        public init(account: String, dimensions: [String: String] = [:], vatCode: String? = nil) {
            self.account = account; self.dimensions = dimensions; self.vatCode = vatCode
        }

        enum CodingKeys: String, CodingKey { case account, dimensions, vatCode = "vat_code" }
    }

    /// Finds an invoice by id or unique prefix, or says what to do (an ambiguous prefix names its candidates).
    public func find(_ id: String) throws -> InvoiceRecord {
        guard let r = try store.invoice(id) else {
            let candidates = try store.invoiceIDs(withPrefix: id, limit: 11)
            if candidates.count > 1 {
                let shown = candidates.prefix(10).joined(separator: ", ") + (candidates.count > 10 ? ", …" : "")
                throw BilagError("id-ambiguous", "the id prefix \(id) is ambiguous: it matches \(candidates.count > 10 ? "more than 10" : "\(candidates.count)") invoices: \(shown)",
                                 remedy: "give more of the id, e.g. `\(candidates[0])`")
            }
            throw BilagError("invoice-not-found", "no invoice has the id \(id)", remedy: "list the queue with `bilag queue list` and use an id from it")
        }
        return r
    }

    /// Books a manual invoice with the given posting, or with the correction another operator proposed.
    ///
    /// An invoice flagged as a duplicate (the same bytes, or the same supplier, kind and invoice number as an earlier one) is
    /// booked only with `overrideDuplicate`, the operator's reason for paying it anyway, which the audit keeps.
    ///
    /// Where bilag pays, the payment checks run as for a robot (`PaymentGuard`): an invalid payment reference or an
    /// unconfirmed new payee account refuses the approval; `pay: false` books it without bilag paying it.
    ///
    /// An invoice a robot stopped with a deviation is approved *past* that deviation: the robot runs on, and where it then
    /// books, its write-backs go with the approval (`approvalRun`). Where it cannot finish, the approval is refused unless
    /// `withoutWriteBacks` says the operator has made them by hand (audited).
    public func approve(_ id: String, posting: PostingInput?, by user: String, note: String? = nil, overrideDuplicate: String? = nil, pay: Bool = true, withoutWriteBacks: Bool = false) throws -> InvoiceRecord {
        try refuseWhenBehind()
        defer { settle() }
        let r = try find(id)
        try expect(r, in: [.manual], action: "approve")
        let correctors = try store.actors(r.id, action: "corrected")
        if correctors.contains(Self.actor(user)) {
            throw refused(r, "approve", by: user, BilagError("segregation-of-duties", "\(user) corrected invoice \(r.id) and so cannot also approve it", remedy: "ask another operator to approve it"))
        }
        let override = overrideDuplicate?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let flag = Self.duplicateFlag(r), (override ?? "").isEmpty {
            throw BilagError("duplicate-needs-override", "invoice \(r.id) is flagged \(flag)\(r.duplicateOf.map { " of invoice \($0)" } ?? ""); approving it would book and pay it again",
                             remedy: "reject it with `bilag queue reject \(r.id) --code duplicate`, or, if the supplier confirms it is a separate invoice, approve it with --override-duplicate \"REASON\" (audited)")
        }
        if r.issueDate == nil {
            throw BilagError(ReasonCode.issueDateUnreadable, "invoice \(r.id) has no readable issue date, so it cannot be booked (the duplicate check needs it)", remedy: IssueDateGate.remedy)
        }
        guard let input = try posting ?? latestCorrection(r.id) else {
            throw BilagError("posting-missing", "approving needs a posting: an account and dimensions (\(rules.summary))", remedy: "give --account and --dim name=value (and --vat-code), or let a colleague `bilag queue correct` it first")
        }
        try check(input)
        guard let (net, vat) = try? totals(r) else {
            throw BilagError("amounts-missing", "invoice \(r.id) has no readable totals, so it cannot be booked", remedy: "reject it with code returned-to-supplier and ask for a corrected invoice")
        }
        try refuseOwnAccountConfirmation(r, by: user, action: "approve")
        var o = Outcome(invoiceID: r.id, state: .booked, actor: Self.actor(user), action: "approved")
        let booking = Booking(postings: [Posting(account: input.account, dimensions: input.dimensions, netAmount: net, vatAmount: vat, vatCode: input.vatCode, text: r.invoiceNumber.map { "Invoice \($0)" })], pay: pay)
        guard let stored = try store.summary(r.id) else { throw BilagError("invoice-not-found", "invoice \(r.id) vanished while you approved it", remedy: "show it again with `bilag queue show \(r.id)`") }
        // The robot that kept the invoice (its history files the booking); not one that declined it.
        let robot = try store.decisions(invoice: r.id).last { $0.mode == "live" && $0.outcome != "declined" && $0.outcome != "no-match" }
        let invoice = pipeline.parsedInvoice(r)
        o.booked = BookedInvoice(id: r.id, sha256: stored.sha256, summary: stored.summary, booking: booking, bookedBy: o.actor, robot: robot, invoice: invoice)
        let writeBacks = try robotWriteBacks(r, robot: robot, invoice: invoice, withoutWriteBacks: withoutWriteBacks)
        o.caseUpdates = writeBacks.updates
        if let stop = try pipeline.paymentGuard.deviation(for: o.booked!, creditNotes: false) {
            throw BilagError(stop.code, "invoice \(r.id) cannot be paid as it stands: \(stop.message)",
                             remedy: stop.code == PaymentDeviation.payeeAccountChanged
                                 ? "confirm the new account with `bilag suppliers confirm --invoice \(r.id)` (after checking it with the supplier), then have another operator approve it"
                                 : "reject it and ask the supplier for a corrected invoice, or pay it outside bilag and approve it with --no-payment")
        }
        var detail = ["posting": try json(input), "note": note ?? ""]
        if !pay { detail["payment"] = "not paid by bilag (--no-payment)" }
        if let said = writeBacks.detail { detail["write_backs"] = said }
        if Self.duplicateFlag(r) != nil, let override {
            detail["duplicate_override"] = override
            detail["duplicate_of"] = r.duplicateOf ?? ""
        }
        o.detail = try json(detail)
        try applyOne(o, expecting: .manual)
        try pipeline.bookingsCommitted()
        if !o.caseUpdates.isEmpty { (pipeline.decider as? RobotDecider)?.caseUpdatesQueued() }
        pipeline.logger.info("approved by operator", metadata: ["invoice": "\(r.id)", "operator": "\(user)"])
        return try find(r.id)
    }

    /// Records a proposed posting for another operator to approve; the invoice stays in the queue.
    public func correct(_ id: String, posting: PostingInput, by user: String, note: String? = nil) throws -> InvoiceRecord {
        try refuseWhenBehind()
        defer { settle() }
        let r = try find(id)
        try expect(r, in: [.manual], action: "correct")
        try check(posting)
        try store.audit(r.id, actor: Self.actor(user), action: "corrected", detail: try json(["posting": try json(posting), "note": note ?? ""]))
        return try find(r.id)
    }

    /// Rejects an invoice with a deletion code; it will never be booked or paid.
    public func reject(_ id: String, code: RejectionCode, by user: String, note: String? = nil) throws -> InvoiceRecord {
        try refuseWhenBehind()
        defer { settle() }
        let r = try find(id)
        try expect(r, in: [.manual, .quarantined], action: "reject")
        var o = Outcome(invoiceID: r.id, state: .rejected, reasonCode: code.rawValue, reasonMessage: note.map { "\(code.label): \($0)" } ?? code.label, actor: Self.actor(user), action: "rejected")
        o.detail = try json(["code": code.rawValue, "note": note ?? ""])
        try applyOne(o, expecting: r.state)
        pipeline.logger.info("rejected by operator", metadata: ["invoice": "\(r.id)", "operator": "\(user)", "code": "\(code.rawValue)"])
        return try find(r.id)
    }

    /// Runs the invoice through the pipeline again from its kept original (after a fix in master data, robots or bilag).
    public func retry(_ id: String, by user: String, note: String? = nil) throws -> InvoiceRecord {
        try refuseWhenBehind()
        defer { settle() }
        let r = try find(id)
        try expect(r, in: [.manual, .quarantined], action: "retry")
        try refuseOwnAccountConfirmation(r, by: user, action: "retry")
        var o = Outcome(invoiceID: r.id, state: .received, actor: Self.actor(user), action: "retried")
        o.detail = try json(["note": note ?? "", "previous_reason": r.reasonCode ?? ""])
        try applyOne(o, expecting: r.state)
        // Decide this invoice only: other `received` ones may be the daemon's batches in hand, and claim recovery
        // belongs to the daemon too (its claim log may be in use right now).
        try pipeline.finish([try find(r.id)])
        return try find(r.id)
    }

    /// The actor an operator's action is audited under; the name as `OperatorName` compares it (the CLI refuses an
    /// empty one before it gets here).
    static func actor(_ user: String) -> String { "operator:\(OperatorName.key(user))" }

    /// "approved", "rejected", "retried": what an action made of an invoice, for messages.
    static func participle(_ action: String) -> String {
        switch action {
        case "retry": return "retried"
        case let a where a.hasSuffix("e"): return a + "d"
        default: return action + "ed"
        }
    }

    /// Four eyes on payee accounts: whoever confirmed or imported the account an invoice pays into (or confirmed one for
    /// this invoice, or, for an invoice held as `payee-account-changed`, any new account of its supplier) cannot also
    /// release that invoice (approve or retry it).
    func refuseOwnAccountConfirmation(_ r: InvoiceRecord, by user: String, action: String) throws {
        guard let supplier = r.sellerKey else { return }
        let actor = Self.actor(user)
        let mine = try store.payeeAccounts(supplier: supplier).filter { $0.vouched(by: actor) }
        guard !mine.isEmpty else { return }
        let held = r.reasonCode == PaymentDeviation.payeeAccountChanged
        let account = try? SupplierAccounts(pipeline: pipeline).instruction(of: r, supplier: supplier).get().accountKey
        guard let own = mine.first(where: { $0.accountKey == account || $0.invoiceID == r.id || (held && $0.confirmedBy == actor) }) else { return }
        let did = own.confirmedBy == actor ? "confirmed" : "imported"
        throw refused(r, action, by: user, BilagError("segregation-of-duties", "\(user) \(did) the payee account \(own.label) of this supplier and so cannot also release invoice \(r.id)", remedy: "ask another operator to retry or approve it"))
    }

    /// An action the four-eyes rules refused, audited in the invoice's trail (`approve-refused`, `retry-refused`) with
    /// who tried and why: a second person's check is only worth as much as the record of who tried to skip it.
    func refused(_ r: InvoiceRecord, _ action: String, by user: String, _ error: BilagError) -> BilagError {
        let detail = try? json(["code": error.code, "reason": error.message])
        try? store.audit(r.id, actor: Self.actor(user), action: action + "-refused", detail: detail)
        return error
    }

    /// Refuses to act on a store that is behind its Outbox (restored from an older copy): an approval there could book
    /// an invoice the Outbox already holds. Cheap: each writer's folder's names against the store's list of files.
    func refuseWhenBehind() throws {
        try pipeline.outbox.reconcile(with: store)
    }

    /// Called as an action returns: its effect is copied into the database file, so a copy of that file alone
    /// (a backup taken while the daemon waits) holds it.
    func settle() { store.copyLogNow() }

    /// The posting rules of the configuration.
    var rules: PostingRules { pipeline.config.postingRules }

    /// Refuses a posting the rules do not allow, saying each problem.
    func check(_ input: PostingInput) throws {
        let problems = rules.problems(account: input.account, dimensions: input.dimensions, vatCode: input.vatCode)
        guard problems.isEmpty else {
            throw BilagError("posting-invalid", "the posting is refused: \(problems.joined(separator: "; "))", remedy: "give a posting the ledger takes (\(rules.summary)); the rules are under postings: in bilag.yaml")
        }
    }

    /// The duplicate flag an invoice carries (`duplicate-file`, `duplicate-invoice`), if any.
    static func duplicateFlag(_ r: InvoiceRecord) -> String? {
        if let code = r.reasonCode, code == ReasonCode.duplicateFile || code == ReasonCode.duplicateInvoice { return code }
        return r.duplicateOf == nil ? nil : "a duplicate"
    }

    func expect(_ r: InvoiceRecord, in states: [InvoiceState], action: String) throws {
        guard states.contains(r.state) else {
            throw BilagError("invalid-state", "invoice \(r.id) is \(r.state.rawValue); only \(states.map(\.rawValue).joined(separator: " or ")) invoices can be \(Self.participle(action))", remedy: "show it with `bilag queue show \(r.id)`")
        }
    }

    func applyOne(_ o: Outcome, expecting state: InvoiceState) throws {
        let refused = try store.apply([o], expecting: [o.invoiceID: state])
        if !refused.isEmpty {
            throw BilagError("concurrent-change", "invoice \(o.invoiceID) changed while you acted on it", remedy: "show it again and repeat the action if it still applies")
        }
    }

    func latestCorrection(_ id: String) throws -> PostingInput? {
        guard let detail = try store.events(id).last(where: { $0.action == "corrected" })?.detail,
              let outer = try? JSONDecoder().decode([String: String].self, from: Data(detail.utf8)),
              let posting = outer["posting"] else { return nil }
        return try JSONDecoder().decode(PostingInput.self, from: Data(posting.utf8))
    }

    func totals(_ r: InvoiceRecord) throws -> (net: Amount, vat: Amount) {
        let due = r.amountDue.flatMap { Amount(parsing: $0) }
        let row = try pipeline.store.amounts(r.id)
        let vat = row.vat ?? .zero
        guard let net = row.net ?? due.map({ $0 - vat }) else { throw BilagError("amounts-missing", "no totals") }
        return (net, vat)
    }

    func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
}
