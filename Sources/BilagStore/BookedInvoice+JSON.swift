import BilagCore

/// A booked invoice's journal line (`journal_entry.line`) as the store's `JSONEncoder` (`.sortedKeys`,
/// `.withoutEscapingSlashes`) writes it, byte for byte, without the encoder's cost: it was the largest single cost of
/// the committing thread in the touchless month (about 8 %). Nil when a text holds a control character or a
/// dimension's name is not plain ASCII (whose escapes and order are the encoder's to decide): the caller then uses the
/// encoder. Keys are written in sorted order; `BookedInvoiceJSONTests` compares the two on every field.
extension BookedInvoice {
    public var jsonLine: String? { json(seq: nil) }

    /// The journal file's line of this booking (`JournalLine`: its fields and its sequence number `seq`), as the
    /// journal writer's encoder writes it; nil where the encoder decides.
    public func journalFileLine(seq: Int64) -> String? { json(seq: seq) }

    func json(seq: Int64?) -> String? {
        var w = JSONObjectWriter()
        w.out.reserveCapacity(640)
        w.open()
        w.field("amount_due", amountDue)
        w.field("booked_at", bookedAt)
        w.field("booked_by", bookedBy)
        w.field("currency", currency)
        if let details { w.key("details"); details.write(to: &w) }
        w.field("document_kind", documentKind.rawValue)
        w.field("due_date", dueDate)
        w.field("history_key", historyKey)
        w.field("invoice_id", invoiceID)
        w.field("invoice_number", invoiceNumber)
        w.field("issue_date", issueDate)
        w.key("pay"); w.raw(pay ? "true" : "false")
        w.key("postings"); w.array(postings) { p, w in p.write(to: &w) }
        w.field("robot", robot)
        if let seq { w.key("seq"); w.out.append(contentsOf: String(seq).utf8) }
        w.field("sha256", sha256)
        w.field("supplier_key", supplierKey)
        w.field("supplier_name", supplierName)
        w.field("total_vat", totalVAT)
        w.field("total_without_vat", totalWithoutVAT)
        w.close()
        return w.text
    }
}

extension Posting {
    func write(to w: inout JSONObjectWriter) {
        w.open()
        w.field("account", account)
        w.key("dimensions")
        w.open()
        for name in w.sortedNames(dimensions.keys) { w.field(name, dimensions[name]!) }
        w.close()
        w.field("net_amount", netAmount)
        w.field("text", text)
        w.field("vat_amount", vatAmount)
        w.field("vat_code", vatCode)
        w.close()
    }
}

extension BookedInvoiceDetails {
    func write(to w: inout JSONObjectWriter) {
        w.open()
        w.field("buyer_reference", buyerReference)
        w.field("order_reference", orderReference)
        w.field("paid_amount", paidAmount)
        if let payment {
            w.key("payment")
            w.open()
            w.field("account", payment.account)
            w.field("bic", payment.bic)
            w.field("channel", payment.channel)
            w.field("code", payment.code)
            w.field("credit_account", payment.creditAccount)
            w.field("instruction_id", payment.instructionID)
            w.field("payment_id", payment.paymentID)
            w.close()
        }
        w.field("rounding_amount", roundingAmount)
        w.field("supplier_endpoint", supplierEndpoint)
        w.field("supplier_legal_id", supplierLegalID)
        w.field("supplier_vat_number", supplierVATNumber)
        w.key("vat_breakdown")
        w.array(vatBreakdown) { part, w in
            w.open()
            w.field("category", part.category)
            w.field("rate", part.rate)
            w.field("tax", part.tax)
            w.field("taxable", part.taxable)
            w.close()
        }
        w.close()
    }
}

/// Writes a JSON object's fields in the order given (the caller gives them sorted), as bilag's `JSONEncoder`
/// (`.sortedKeys`, `.withoutEscapingSlashes`) writes them: absent optionals left out, amounts as decimal strings.
public struct JSONObjectWriter {
    public var out: [UInt8] = []
    /// A text could not be written as the encoder would (a control character, a key it may order otherwise): the
    /// result is not to be used.
    public var failed = false
    private var first = true

    public init() {}

    public mutating func open() { out.append(0x7B); first = true }
    public mutating func close() { out.append(0x7D); first = false }

    /// Writes `name:` (after a comma unless it is the object's first field).
    public mutating func key(_ name: String) {
        if !first { out.append(0x2C) }
        first = false
        if !JSONString.append(name, to: &out) { failed = true }
        out.append(0x3A)
    }

    public mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        if !JSONString.append(value, to: &out) { failed = true }
    }

    public mutating func field(_ name: String, _ value: Amount?) { field(name, value?.description) }

    /// Writes an ASCII fragment as it is (`null`, `true`).
    public mutating func raw(_ text: StaticString) { JSONString.append(raw: text, to: &out) }

    /// Writes a text value (not a key).
    public mutating func string(_ text: String) { if !JSONString.append(text, to: &out) { failed = true } }

    /// The names of an object in the encoder's order: `<` for plain ASCII names; any other name fails the writer.
    public mutating func sortedNames<S: Sequence<String>>(_ names: S) -> [String] {
        let sorted = names.sorted()
        if !sorted.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) { failed = true }
        return sorted
    }

    public var text: String? { failed ? nil : String(decoding: out, as: UTF8.self) }

    public mutating func array<T>(_ items: [T], _ write: (T, inout JSONObjectWriter) -> Void) {
        out.append(0x5B)
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(0x2C) }
            write(item, &self)
        }
        out.append(0x5D)
        first = false
    }
}
