import BilagCore
import BilagOutbox
import BilagRobots
import BilagStore

/// Each supplier's known payee accounts, which the invoice-fraud guard compares an invoice's account with: learnt
/// from the invoices bilag pays, imported as supplier master data, and confirmed by an operator after a
/// `payee-account-changed` deviation. Every import and confirmation is audited.
public struct SupplierAccounts {
    public let pipeline: Pipeline
    var store: Store { pipeline.store }
    /// The country of domestic accounts nothing else places: the payments writer's, else Denmark.
    var country: String { pipeline.outbox.payments?.settings.country ?? "DK" }

    public init(pipeline: Pipeline) { self.pipeline = pipeline }

    /// Imports supplier master data from CSV (header `supplier,account[,bic][,note]`, or `cvr`/`orgnr`, `iban`,
    /// `swift`/`reg`, `name` as ERP exports name them; `supplier` the CVR or
    /// organisation number, `account` an IBAN, a domestic account — Danish as registration number and account, or with
    /// the registration number in `bic` — or `FIK:creditor`, `GIRO:account`). All rows or none; returns how many.
    ///
    /// Four eyes: an account new to a supplier that already has known accounts is imported `imported-unconfirmed`
    /// (the fraud guard holds invoices paying into it until another operator confirms it); the importer is recorded,
    /// and may not release an invoice paying into an account they imported.
    public func importCSV(_ text: String, file: String, by user: String) throws -> Int {
        let actor = ManualQueue.actor(user)
        var trusted: [String: Set<String>] = [:]
        /// The source an imported account gets: trusted for a supplier with no trusted account yet, or an account it has.
        func source(_ supplier: String, _ account: String) throws -> String {
            if trusted[supplier] == nil { trusted[supplier] = Set(try store.payeeAccounts(supplier: supplier).filter(\.trusted).map(\.accountKey)) }
            let known = trusted[supplier] ?? []
            return known.isEmpty || known.contains(account) ? PayeeAccountRecord.imported : PayeeAccountRecord.unconfirmed
        }
        var accounts: [PayeeAccountRecord] = []
        for (i, r) in try CSV.records(text, file: file).enumerated() {
            // The column names of the file, or of an ERP's export under another common name.
            func f(_ names: String...) -> String? {
                names.lazy.compactMap { r[$0].flatMap { let t = $0.trimmingWhitespace(includingNewlines: false); return t.isEmpty ? nil : t } }.first
            }
            guard let supplier = f("supplier", "supplier_cvr", "cvr", "orgnr", "supplier_id"), let raw = f("account", "iban", "bank_account") else {
                throw BilagError("suppliers-invalid", "\(file) row \(i + 2): supplier and account are required", remedy: "the header is supplier,account,bic,note; supplier is the CVR or organisation number")
            }
            switch Self.account(raw, bic: f("bic", "swift", "reg"), country: country) {
            case let .success(a):
                let key = Identifiers.normalizedPartyKey(supplier)
                accounts.append(PayeeAccountRecord(supplierKey: key, accountKey: a.key, label: a.label, source: try source(key, a.key), note: f("note", "name"), importedBy: actor))
            case let .failure(d):
                throw BilagError("suppliers-invalid", "\(file) row \(i + 2): \(d.message)", remedy: "correct the account in the file and import it again; nothing was imported")
            }
        }
        let unconfirmed = accounts.filter { $0.source == PayeeAccountRecord.unconfirmed }.count
        try store.addPayeeAccounts(accounts, actor: actor, action: "suppliers-imported", subject: file, detail: "{\"accounts\":\(accounts.count),\"unconfirmed\":\(unconfirmed)}")
        return accounts.count
    }

    /// Confirms the account the invoice `id` asks to be paid into as its supplier's (audited): after a
    /// `payee-account-changed` deviation, once the change was checked with the supplier. Another operator then
    /// releases the invoice.
    public func confirm(invoice id: String, by user: String, note: String?) throws -> PayeeAccountRecord {
        let r = try ManualQueue(pipeline: pipeline).find(id)
        guard let supplier = r.sellerKey else { throw BilagError("supplier-unknown", "invoice \(r.id) names no supplier", remedy: "reject it") }
        // Only an invoice still waiting for a person — in the manual queue, or booked with its payment blocked — speaks
        // for its account: a rejected one (say, as a fraud attempt) or one already paid does not.
        let blocked = try r.state == .booked && store.payment(r.id)?.state == "blocked"
        guard r.state == .manual || blocked else {
            throw BilagError("invalid-state", "invoice \(r.id) is \(r.state.rawValue), not waiting in the manual queue or with its payment blocked; its account cannot be confirmed through it",
                             remedy: "confirm an account through an invoice that waits for it, or import it as supplier master data (`bilag suppliers import`)")
        }
        switch try instruction(of: r, supplier: supplier) {
        case let .failure(d):
            throw BilagError(d.code, "invoice \(r.id) has no account that can be confirmed: \(d.message)", remedy: "reject it and ask the supplier for a corrected invoice")
        case let .success(i):
            if let imported = try store.payeeAccounts(supplier: supplier).first(where: { $0.accountKey == i.accountKey && !$0.trusted }), imported.importedBy == ManualQueue.actor(user) {
                throw BilagError("segregation-of-duties", "\(user) imported \(i.label) for this supplier and so cannot also confirm it", remedy: "ask another operator to check it with the supplier and confirm it")
            }
            let record = PayeeAccountRecord(supplierKey: supplier, accountKey: i.accountKey, label: i.label, source: "confirmed", invoiceID: r.id, confirmedBy: ManualQueue.actor(user), note: note)
            try store.addPayeeAccounts([record], actor: ManualQueue.actor(user), action: "payee-account-confirmed", subject: supplier,
                                       detail: "{\"invoice\":\"\(r.id)\",\"account\":\"\(i.accountKey)\"}")
            try store.audit(r.id, actor: ManualQueue.actor(user), action: "payee-account-confirmed", detail: "{\"account\":\"\(i.accountKey)\"}")
            return record
        }
    }

    /// The payee account invoice `r` of `supplier` asks to be paid into, read from its kept original.
    func instruction(of r: InvoiceRecord, supplier: String) throws -> Result<PayeeInstruction, PaymentDeviation> {
        guard let invoice = pipeline.parsedInvoice(r) else {
            throw BilagError("original-unreadable", "the kept original of invoice \(r.id) cannot be read again", remedy: "show it with `bilag queue show \(r.id)`")
        }
        let booked = BookedInvoice(invoiceID: r.id, bookedAt: "", bookedBy: "", supplierKey: supplier, supplierName: r.sellerName, invoiceNumber: r.invoiceNumber,
                                   currency: r.currency, amountDue: Amount(1), postings: [], details: BookedInvoiceDetails(invoice: invoice))
        return PayeeInstruction.of(booked, country: country)
    }

    /// The key and label of an account as master data gives it.
    static func account(_ raw: String, bic: String?, country: String) -> Result<(key: String, label: String), PaymentDeviation> {
        for (prefix, kind) in [("FIK:", PayeeInstruction.Kind.fik), ("GIRO:", .giro)] where raw.uppercased().hasPrefix(prefix) {
            let number = String(raw.dropFirst(prefix.count)).filter { !$0.isWhitespace }
            guard (7...8).contains(number.count), number.allSatisfy(\.isNumber) else {
                return .failure(PaymentDeviation(PaymentDeviation.referenceInvalid, "\(prefix) needs the creditor number or giro account (7–8 digits), not '\(number)'"))
            }
            let i = PayeeInstruction(kind: kind, country: "DK", account: number)
            return .success((i.accountKey, kind == .fik ? "FIK creditor \(number)" : "giro account \(number)"))
        }
        return PayeeInstruction.account(raw, bank: bic, currency: nil, country: country).map { ($0.accountKey, $0.label) }
    }
}
