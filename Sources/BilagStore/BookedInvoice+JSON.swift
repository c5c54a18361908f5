import BilagCore
import Foundation

/// A booked invoice's journal line (`journal_entry.line`) as the store's `JSONEncoder` (`.sortedKeys`,
/// `.withoutEscapingSlashes`) writes it, byte for byte, without the encoder's cost: it was the largest single cost of
/// the committing thread in the touchless month (about 8 %). Nil when a text holds a control character or a
/// dimension's name is not plain ASCII (whose escapes and order are the encoder's to decide): the caller then uses the
/// encoder. Keys are written in sorted order; `BookedInvoiceJSONTests` compares the two on every field.
extension BookedInvoice {
    public var jsonLine: String? { json(seq: nil) }

    /// `jsonLine` as its bytes, as the store binds it and the handoff keeps it: not made a String on the committing thread.
    public var jsonText: JSONBytes? { jsonWriter(seq: nil).bytes }

    /// The journal file's line of this booking (`JournalLine`: its fields and its sequence number `seq`), as the
    /// journal writer's encoder writes it; nil where the encoder decides.
    public func journalFileLine(seq: Int64) -> String? { json(seq: seq) }

    /// The bytes of the `sha256` key as the line writes it, made once (`journalFileLine(seq:stored:)` looks for them).
    static let sha256Key: [UInt8] = Array(#","sha256":""#.utf8)

    /// The same line made from `stored`, this booking's line as its hand writer wrote it (`jsonLine`, as
    /// `Store.handoff` keeps it): `"seq":N` put in before `"sha256"`, its place among the sorted keys, rather than the
    /// whole line written again. (Inside a JSON string a quote is always escaped, so `,"sha256":"` is a key; the last
    /// one is the top-level key, as only strings follow it.) Written in full where the booking has no SHA-256.
    public func journalFileLine(seq: Int64, stored: String) -> String? {
        var line = Data()
        guard appendJournalFileLine(seq: seq, stored: stored, to: &line) else { return json(seq: seq) }
        return String(decoding: line, as: UTF8.self)
    }

    /// Appends `journalFileLine(seq:stored:)` to `data` as bytes, without making a String of it (which checks every byte
    /// of the line again); false when the line must be written in full (`journalFileLine(seq:)`), `data` untouched.
    public func appendJournalFileLine(seq: Int64, stored: String, to data: inout Data) -> Bool {
        var stored = stored
        return stored.withUTF8 { appendJournalFileLine(seq: seq, stored: $0, to: &data) }
    }

    /// `appendJournalFileLine` of the stored line's bytes as kept (`JSONBytes`).
    public func appendJournalFileLine(seq: Int64, stored: JSONBytes, to data: inout Data) -> Bool {
        stored.bytes.withUnsafeBufferPointer { appendJournalFileLine(seq: seq, stored: $0, to: &data) }
    }

    func appendJournalFileLine(seq: Int64, stored bytes: UnsafeBufferPointer<UInt8>, to data: inout Data) -> Bool {
        guard self.sha256 != nil else { return false }
        let key = Self.sha256Key
        var i = bytes.count - key.count
        while i >= 0 {
            if bytes[i] == 0x2C, bytes[i + 1] == 0x22, bytes[i + 2] == 0x73, UnsafeBufferPointer(rebasing: bytes[i..<(i + key.count)]).elementsEqual(key) { break }
            i -= 1
        }
        guard i > 0 else { return false }
        var seqText: [UInt8] = Array(#","seq":"#.utf8)
        JSONString.append(Int(seq), to: &seqText)
        data.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<i]))
        data.append(contentsOf: seqText)
        data.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i...]))
        return true
    }

    func json(seq: Int64?) -> String? { jsonWriter(seq: seq).text }

    func jsonWriter(seq: Int64?) -> JSONObjectWriter {
        var w = JSONObjectWriter()
        w.out.reserveCapacity(640)
        w.open()
        w.field("amount_due", self.amountDue)
        w.field("booked_at", self.bookedAt)
        w.field("booked_by", self.bookedBy)
        w.field("currency", self.currency)
        if let details = self.details { w.key("details"); details.write(to: &w) }
        w.field("document_kind", self.documentKind.rawValue)
        w.field("due_date", self.dueDate)
        w.field("history_key", self.historyKey)
        w.field("invoice_id", self.invoiceID)
        w.field("invoice_number", self.invoiceNumber)
        w.field("issue_date", self.issueDate)
        w.key("pay"); w.raw(self.pay ? "true" : "false")
        w.key("postings"); w.array(self.postings) { p, w in p.write(to: &w) }
        w.field("robot", self.robot)
        if let seq { w.key("seq"); JSONString.append(Int(seq), to: &w.out) }
        w.field("sha256", self.sha256)
        w.field("supplier_key", self.supplierKey)
        w.field("supplier_name", self.supplierName)
        w.field("total_vat", self.totalVAT)
        w.field("total_without_vat", self.totalWithoutVAT)
        w.close()
        return w
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
