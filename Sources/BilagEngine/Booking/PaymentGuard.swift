import BilagCore
import BilagOutbox
import BilagStore

/// The checks made before an invoice bilag will pay is booked (only when a payments writer is set up): its payment
/// reference passes its check, the payments writer can carry its means, it pays a known supplier only into an account
/// known for that supplier (the invoice-fraud guard), and a credit note has an open invoice to be set off against.
/// A check that fails sends the invoice to the manual queue with its deviation instead of booking it.
public struct PaymentGuard {
    public let settings: PaymentSettings?
    public let store: Store

    public init(settings: PaymentSettings?, store: Store) { self.settings = settings; self.store = store }

    /// Turns a booking outcome into a manual one when `deviation` finds one; true when it did. The robot's decision
    /// stays recorded, the trace says why.
    /// `batch`: the bookings decided before this one in the same batch, which the store does not hold yet.
    func stopIfUnpayable(_ o: inout Outcome, trace: inout [TraceStep], batch: BatchBookings) throws -> Bool {
        guard let booked = o.booked, let stop = try deviation(for: booked, batch: batch) else { return false }
        trace.append(TraceStep(step: "payment", result: "\(stop.code): \(stop.message)"))
        var manual = Outcome(invoiceID: o.invoiceID, state: .manual, reasonCode: stop.code, reasonMessage: stop.message, actor: o.actor, action: "decided")
        manual.decisions = o.decisions
        o = manual
        return true
    }

    /// Why `booked` must not be booked as it stands, or nil. `creditNotes: false` leaves out the set-off check (an
    /// operator approving a credit note knows whether an invoice will come to set it against).
    public func deviation(for booked: BookedInvoice, creditNotes: Bool = true) throws -> PaymentDeviation? {
        try deviation(for: booked, creditNotes: creditNotes, batch: BatchBookings())
    }

    func deviation(for booked: BookedInvoice, creditNotes: Bool = true, batch: BatchBookings) throws -> PaymentDeviation? {
        guard let settings, PaymentEligibility.payable(booked) else { return nil }
        let supplier = booked.supplierName ?? "the supplier"
        // Where the payments writer stands; nil before it started, when it will pay none of the bookings made so far.
        let cursor = try store.paymentCursor(settings.name)
        // The supplier's bookings decided earlier in this batch, not in the store yet, taken up before this one.
        let earlier = cursor == nil ? [] : booked.supplierKey.map(batch.of) ?? []
        if booked.documentKind == .creditNote {
            guard creditNotes, booked.amountDue < .zero, let key = booked.supplierKey else { return nil }
            let openEarlier = earlier.contains { Self.paysOut($0) && (booked.currency == nil || $0.currency == booked.currency) }
            if try !openEarlier && !store.hasOpenInvoice(supplier: key, currency: booked.currency, after: cursor) {
                return PaymentDeviation(PaymentDeviation.creditNoteUnmatched,
                                        "no open invoice of \(supplier) in \(booked.currency ?? "its currency") to set this credit note of \(-booked.amountDue) against; approve it to hold the credit for the supplier's next invoice, or reject it if the supplier refunds it")
            }
            return nil
        }
        // An invoice (not a credit note) whose amount due is negative: the supplier owes the money. It is no payment,
        // and nothing would set it off against the supplier's next invoice (only credit notes are), so the credit
        // would be lost: a person settles it.
        if booked.amountDue < .zero {
            return PaymentDeviation(PaymentDeviation.negativeInvoice,
                                    "the invoice's amount due is \(booked.amountDue) \(booked.currency ?? ""): \(supplier) owes it, and only a credit note is set off against its next invoice; ask the supplier for a credit note and reject this one, or approve it with --no-payment and recover the amount by hand")
        }
        guard booked.amountDue > .zero else { return nil }
        let instruction: PayeeInstruction
        switch PayeeInstruction.of(booked, country: settings.country) {
        case let .failure(d): return d
        case let .success(i): instruction = i
        }
        guard settings.supports(instruction) else {
            return PaymentDeviation(PaymentDeviation.meansUnsupported, "\(settings.version.rawValue) cannot carry a payment to \(instruction.label); pay it by hand and approve it with --no-payment, or use version pain.001.001.03")
        }
        guard let key = booked.supplierKey else { return nil }
        // An account imported for a supplier already known is not trusted until another operator confirmed it. The
        // accounts of bookings not yet taken up by the payments writer count as known: the first invoice of a new
        // supplier teaches its account before it is paid.
        let known = try store.payeeAccounts(supplier: key) + pendingAccounts(of: key, except: booked.invoiceID, after: cursor, settings)
            + earlier.compactMap { Self.account($0, firstSeen: $0.bookedAt, settings) }
        guard !known.isEmpty, !known.contains(where: { $0.trusted && $0.accountKey == instruction.accountKey }) else { return nil }
        let history = known.map {
            "\($0.label) (\($0.trusted ? "" : "awaiting confirmation by another operator, ")\($0.source) since \($0.firstSeen.prefix(10)), last \($0.lastSeen.prefix(10)))"
        }.joined(separator: "; ")
        return PaymentDeviation(PaymentDeviation.payeeAccountChanged,
                                "the invoice asks to pay \(supplier) into \(instruction.label) [\(instruction.accountKey)], an account not seen before for this supplier; known accounts: \(history). Check the change with the supplier through a channel you already know (not the invoice), then confirm it with `bilag suppliers confirm` and have another operator retry or approve the invoice")
    }

    /// The accounts the supplier's bookings not yet taken up by the payments writer pay into (journal entries after
    /// its cursor, bookings held for their write-backs), as `booked` accounts.
    func pendingAccounts(of supplier: String, except invoiceID: String, after cursor: Int64?, _ settings: PaymentSettings) throws -> [PayeeAccountRecord] {
        try store.bookingsNotTakenUp(supplier: supplier, after: cursor).compactMap { e in
            guard e.invoiceID != invoiceID, let b = try? e.booked() else { return nil }
            return Self.account(b, firstSeen: e.createdAt, settings)
        }
    }

    /// A booking the payments writer pays out: a payable invoice with something due.
    static func paysOut(_ b: BookedInvoice) -> Bool { b.documentKind == .invoice && PaymentEligibility.payable(b) && b.amountDue > .zero }

    /// The account a booking not yet taken up pays into, as a `booked` account: only a payable invoice's.
    static func account(_ b: BookedInvoice, firstSeen: String, _ settings: PaymentSettings) -> PayeeAccountRecord? {
        guard let supplier = b.supplierKey, paysOut(b), case let .success(i) = PayeeInstruction.of(b, country: settings.country) else { return nil }
        return PayeeAccountRecord(supplierKey: supplier, accountKey: i.accountKey, label: i.label, source: "booked", firstSeen: firstSeen)
    }
}
