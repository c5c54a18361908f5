import BilagCore

extension OutboxManifest {
    /// The manifest as its encoder writes it (`encoder`: sorted keys, pretty-printed, slashes unescaped), byte for
    /// byte, written by hand: the encoder's generic machinery costs about 10 k instructions an entry, and a manifest
    /// lists every booking of its file. Nil for what is left to the encoder: a text holding a control character
    /// (`JSONString`), no entries or no sums (its empty forms), a currency key other than `A`–`Z` and `?` (its order).
    public func handWritten() -> [UInt8]? {
        guard !entries.isEmpty, !sums.isEmpty,
              sums.keys.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0x3F } }) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(400 + entries.count * (48 + (entries.first?.invoiceID.utf8.count ?? 0)))
        func raw(_ s: StaticString) { JSONString.append(raw: s, to: &out) }
        func number(_ n: Int) { JSONString.append(n, to: &out) }
        func text(_ s: String) -> Bool { JSONString.append(s, to: &out) }
        raw("{\n  \"bytes\" : "); number(bytes)
        raw(",\n  \"count\" : "); number(count)
        raw(",\n  \"entries\" : [\n")
        for (i, e) in entries.enumerated() {
            raw(i == 0 ? "    {\n      \"invoice_id\" : " : ",\n    {\n      \"invoice_id\" : ")
            guard text(e.invoiceID) else { return nil }
            raw(",\n      \"seq\" : "); number(Int(e.seq))
            raw("\n    }")
        }
        raw("\n  ],\n  \"file\" : "); guard text(file) else { return nil }
        raw(",\n  \"first_seq\" : "); number(Int(firstSeq))
        if let kind {
            raw(",\n  \"kind\" : "); guard text(kind) else { return nil }
        }
        raw(",\n  \"last_seq\" : "); number(Int(lastSeq))
        raw(",\n  \"sha256\" : "); guard text(sha256) else { return nil }
        raw(",\n  \"sums\" : {\n")
        // Keys of `A`–`Z` and `?` only: byte order is the encoder's order.
        for (i, (currency, s)) in sums.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
            if i > 0 { raw(",\n") }
            raw("    "); _ = text(currency)
            raw(" : {\n      \"amount_due\" : "); _ = text(s.amountDue.description)
            raw(",\n      \"count\" : "); number(s.count)
            raw(",\n      \"net\" : "); _ = text(s.net.description)
            raw(",\n      \"vat\" : "); _ = text(s.vat.description)
            raw("\n    }")
        }
        raw("\n  },\n  \"writer\" : "); guard text(writer) else { return nil }
        raw(",\n  \"written_at\" : "); guard text(writtenAt) else { return nil }
        raw("\n}")
        return out
    }
}
