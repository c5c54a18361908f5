import BilagCore
import BilagRobotLanguage

/// The names an invoice offers to robot expressions: `invoice`, `seller`, `buyer`, `lines`, `today`, `channel`.
///
/// A curated, clerk-friendly view of the canonical model; `docs/robots.md` lists every field. Types and values are
/// declared side by side here so they cannot drift apart.
public enum InvoiceVariables {
    /// The types robots are checked against at load time.
    public static let types: [String: ValueType] = [
        "invoice": .record([
            "number": .string, "issue_date": .date, "due_date": .date, "type_code": .string, "kind": .string,
            "currency": .string, "amount_due": .number, "total_without_vat": .number, "total_vat": .number, "total_with_vat": .number,
            "buyer_reference": .string, "order_reference": .string, "contract_reference": .string, "project_reference": .string,
            "accounting_cost": .string, "payment_id": .string, "object_id": .string, "profile": .string, "syntax": .string,
            "period_start": .date, "period_end": .date, "notes": .list(.string), "note": .string, "texts": .list(.string),
            "identifiers": .list(.string), "line_count": .number, "service_date": .date,
        ]),
        "seller": .record(partyFields.merging(["payment_account": .string], uniquingKeysWith: { a, _ in a })),
        "buyer": .record(partyFields.merging(["ean": .string], uniquingKeysWith: { a, _ in a })),
        "lines": .list(.record([
            "id": .string, "name": .string, "description": .string, "quantity": .number, "unit": .string, "net_amount": .number,
            "price": .number, "accounting_cost": .string, "order_line": .string, "note": .string, "vat_category": .string,
            "vat_rate": .number, "object_id": .string, "sellers_item_id": .string, "period_start": .date, "period_end": .date,
        ])),
        "today": .date,
        "channel": .string,
    ]

    static let partyFields: [String: ValueType] = [
        "name": .string, "cvr": .string, "cpr": .string, "orgnr": .string, "vat": .string, "endpoint": .string, "endpoint_scheme": .string,
        "gln": .string, "country": .string, "legal_id": .string, "contact_id": .string,
    ]

    /// The fields of each record, in the order they are worked out (`Needs` marks them by position).
    static let invoiceKeys = ["texts", "identifiers", "number", "issue_date", "due_date", "type_code", "kind", "currency", "amount_due", "total_without_vat", "total_vat",
                              "total_with_vat", "buyer_reference", "order_reference", "contract_reference", "project_reference", "accounting_cost", "payment_id",
                              "object_id", "profile", "syntax", "period_start", "period_end", "notes", "note", "line_count", "service_date"]
    static let partyKeys = ["cvr", "cpr", "orgnr", "name", "vat", "endpoint", "endpoint_scheme", "gln", "country", "legal_id", "contact_id"]
    static let sellerKeys = partyKeys + ["payment_account"]
    static let buyerKeys = partyKeys + ["ean"]
    static let lineKeys = ["id", "name", "description", "quantity", "unit", "net_amount", "price", "accounting_cost", "order_line", "note", "vat_category", "vat_rate",
                           "object_id", "sellers_item_id", "period_start", "period_end"]

    /// Which of the values to work out: all of them, or what the robots in force can read (`Needs(robots:)`),
    /// worked out once into a mark per field, so that asking costs nothing beside the value.
    public struct Needs: Sendable {
        /// The fields of a record to work out, by their position in its keys; `wanted`: the record at all.
        struct Mask: Sendable {
            var bits: UInt64
            var wanted: Bool
            static let all = Mask(bits: ~0, wanted: true)
            init(bits: UInt64, wanted: Bool) { self.bits = bits; self.wanted = wanted }
            init(_ name: String, keys: [String], uses: NameUses) {
                if uses.whole.contains(name) { self = .all; return }
                guard let fields = uses.fields[name] else { self.init(bits: 0, wanted: false); return }
                self.init(bits: keys.indices.reduce(0) { fields.contains(keys[$1]) ? $0 | 1 << UInt64($1) : $0 }, wanted: true)
            }
            @inline(__always) func has(_ i: Int) -> Bool { bits & (1 << UInt64(i)) != 0 }
        }
        let invoice: Mask, seller: Mask, buyer: Mask, lines: Mask

        /// Every value.
        public static let all = Needs(invoice: .all, seller: .all, buyer: .all, lines: .all)

        /// Whether every value is worked out.
        public var isEverything: Bool { [invoice, seller, buyer, lines].allSatisfy { $0.bits == ~0 } }

        /// What `robots` can read, and what bilag itself reads of the values (the plan register: `StorePlans`).
        public init(robots: [Robot]) {
            var uses = NameUses()
            for r in robots { uses.formUnion(r.nameUses) }
            uses.fields["seller", default: []].insert("cvr")
            uses.fields["buyer", default: []].insert("ean")
            uses.fields["invoice", default: []].formUnion(["identifiers", "texts"])
            self.init(uses: uses)
        }

        init(uses: NameUses) {
            self.init(invoice: Mask("invoice", keys: invoiceKeys, uses: uses), seller: Mask("seller", keys: sellerKeys, uses: uses),
                      buyer: Mask("buyer", keys: buyerKeys, uses: uses), lines: Mask("lines", keys: lineKeys, uses: uses))
        }

        init(invoice: Mask, seller: Mask, buyer: Mask, lines: Mask) { self.invoice = invoice; self.seller = seller; self.buyer = buyer; self.lines = lines }
    }

    /// A record being built field by field in the order of its keys, each field worked out only when marked.
    struct RecordBuilder {
        var record: [String: Value] = [:]
        let mask: Needs.Mask
        let keys: [String]
        var position = 0

        init(_ mask: Needs.Mask, keys: [String]) {
            self.mask = mask; self.keys = keys
            record.reserveCapacity(mask.bits == ~0 ? keys.count : mask.bits.nonzeroBitCount)
        }

        @inline(__always)
        mutating func put(_ key: String, _ value: @autoclosure () -> Value) {
            assert(keys[position] == key, "\(key) out of order")
            if mask.has(position) { record[key] = value() }
            position += 1
        }
    }

    /// The values for one invoice: those `needs` names (a field no robot in force can read is left out, and so is
    /// the work of finding it; `Needs.all`, the default, gives every one).
    public static func values(_ inv: Invoice, channel: String, today: LocalDate, needs: Needs = .all) -> [String: Value] {
        func s(_ v: String?) -> Value { v.map { .string($0) } ?? .null }
        func n(_ v: Amount?) -> Value { v.map { .number($0) } ?? .null }
        func d(_ v: LocalDate?) -> Value { v.map { .date($0) } ?? .null }
        let kind = inv.documentKind
        let notes = inv.notes.map(\.text)
        // OIOUBL has no buyer reference (BT-10): Danish public buyers put theirs in the buyer contact's ID.
        let contactID = inv.buyer.contact?.identifier.flatMap { $0.trimmingWhitespace(includingNewlines: false).isEmpty || $0 == "NA" ? nil : $0 }
        let buyerReference = inv.buyerReference ?? (inv.profile == .oioubl ? contactID : nil)
        var out: [String: Value] = ["today": .date(today), "channel": .string(channel)]
        if needs.invoice.wanted {
            var b = RecordBuilder(needs.invoice, keys: invoiceKeys)
            b.put("texts", {
                var texts = notes
                texts += [buyerReference, contactID == buyerReference ? nil : contactID, inv.purchaseOrderReference, inv.contractReference, inv.projectReference, inv.buyerAccountingReference,
                          inv.paymentInstructions.first?.remittanceInformation, inv.invoicedObjectIdentifier?.value, inv.paymentTerms].compactMap { $0 }
                for l in inv.lines { texts += [l.note, l.itemName, l.itemDescription, l.objectIdentifier?.value].compactMap { $0 } }
                return .list(texts.map { .string($0) })
            }())
            b.put("identifiers", {
                var identifiers = [inv.invoicedObjectIdentifier?.value, inv.contractReference, inv.purchaseOrderReference, buyerReference, contactID == buyerReference ? nil : contactID,
                                   inv.projectReference].compactMap { $0 }
                for l in inv.lines {
                    identifiers += [l.objectIdentifier?.value, l.itemSellersIdentifier, l.buyerAccountingReference].compactMap { $0 }
                    identifiers += l.itemAttributes.map(\.value)
                }
                for doc in inv.supportingDocuments { if let r = doc.reference { identifiers.append(r) } }
                return .list(identifiers.map { .string($0) })
            }())
            b.put("number", s(inv.invoiceNumber)); b.put("issue_date", d(inv.issueDate)); b.put("due_date", d(inv.paymentDueDate)); b.put("type_code", s(inv.invoiceTypeCode))
            b.put("kind", .string(inv.documentKind.rawValue)); b.put("currency", s(inv.documentCurrencyCode?.code))
            b.put("amount_due", n(inv.signedAmountDue)); b.put("total_without_vat", n(inv.signedTotalWithoutVAT)); b.put("total_vat", n(inv.signedTotalVAT))
            b.put("total_with_vat", n(inv.totals.invoiceTotalAmountWithVAT.map(kind.signed)))
            b.put("buyer_reference", s(buyerReference)); b.put("order_reference", s(inv.purchaseOrderReference)); b.put("contract_reference", s(inv.contractReference))
            b.put("project_reference", s(inv.projectReference)); b.put("accounting_cost", s(inv.buyerAccountingReference))
            b.put("payment_id", s(inv.paymentInstructions.lazy.compactMap(\.remittanceInformation).first)); b.put("object_id", s(inv.invoicedObjectIdentifier?.value))
            b.put("profile", .string(inv.profile.rawValue)); b.put("syntax", .string(inv.syntax.rawValue))
            b.put("period_start", d(inv.invoicingPeriod?.startDate)); b.put("period_end", d(inv.invoicingPeriod?.endDate))
            b.put("notes", .list(notes.map { .string($0) })); b.put("note", .string(notes.joined(separator: "\n")))
            b.put("line_count", .number(Amount(inv.lines.count)))
            b.put("service_date", d(inv.delivery?.actualDeliveryDate ?? inv.invoicingPeriod?.startDate ?? inv.valueAddedTaxPointDate ?? inv.issueDate))
            out["invoice"] = .record(b.record)
        }
        if needs.seller.wanted {
            var b = party(inv.seller, RecordBuilder(needs.seller, keys: sellerKeys))
            b.put("payment_account", s(inv.paymentInstructions.lazy.flatMap(\.creditTransfers).compactMap { $0.paymentAccountIdentifier?.value }.first))
            out["seller"] = .record(b.record)
        }
        if needs.buyer.wanted {
            var b = party(inv.buyer, RecordBuilder(needs.buyer, keys: buyerKeys))
            b.put("ean", s(gln(inv.buyer.electronicAddress) ?? inv.buyer.identifiers.lazy.compactMap(gln).first ?? inv.delivery?.locationIdentifier.flatMap(gln)))
            out["buyer"] = .record(b.record)
        }
        if needs.lines.wanted { out["lines"] = .list(inv.lines.map { .record(line($0, kind, needs.lines)) }) }
        return out
    }

    static func line(_ l: InvoiceLine, _ kind: DocumentKind, _ mask: Needs.Mask) -> [String: Value] {
        func s(_ v: String?) -> Value { v.map { .string($0) } ?? .null }
        func n(_ v: Amount?) -> Value { v.map { .number($0) } ?? .null }
        func d(_ v: LocalDate?) -> Value { v.map { .date($0) } ?? .null }
        var b = RecordBuilder(mask, keys: lineKeys)
        b.put("id", s(l.identifier)); b.put("name", s(l.itemName)); b.put("description", s(l.itemDescription)); b.put("quantity", n(l.invoicedQuantity.map(kind.signed)))
        b.put("unit", s(l.invoicedQuantityUnitCode)); b.put("net_amount", n(l.netAmount.map(kind.signed))); b.put("price", n(l.itemNetPrice))
        b.put("accounting_cost", s(l.buyerAccountingReference)); b.put("order_line", s(l.referencedPurchaseOrderLineReference)); b.put("note", s(l.note))
        b.put("vat_category", s(l.vatCategoryCode)); b.put("vat_rate", n(l.vatRate)); b.put("object_id", s(l.objectIdentifier?.value)); b.put("sellers_item_id", s(l.itemSellersIdentifier))
        b.put("period_start", d(l.period?.startDate)); b.put("period_end", d(l.period?.endDate))
        return b.record
    }

    /// Every field of a party's record.
    static func party(_ p: Party) -> [String: Value] { party(p, RecordBuilder(.all, keys: partyKeys)).record }

    /// A party's fields (`partyKeys`) put into `b`, those it marks.
    static func party(_ p: Party, _ start: RecordBuilder) -> RecordBuilder {
        func s(_ v: String?) -> Value { v.map { .string($0) } ?? .null }
        var b = start
        var ids = p.identifiers
        if let e = p.electronicAddress { ids.insert(e, at: 0) }
        if let l = p.legalRegistrationIdentifier { ids.insert(l, at: 0) }
        // Schemes are compared without case and without making upper-cased copies (several a party, on every invoice).
        b.put("cvr", s(ids.first { id in
            guard let scheme = id.scheme, !scheme.isEmpty else { return hasPrefixIgnoringCase(id.value, "DK") }
            return equalsIgnoringCase(scheme, "0184") || equalsIgnoringCase(scheme, "DK:CVR") || equalsIgnoringCase(scheme, "DK:SE")
        }.map { Identifiers.normalizedPartyKey($0.value) }
            ?? p.vatIdentifier.flatMap { hasPrefixIgnoringCase($0, "DK") ? Identifiers.normalizedPartyKey($0) : nil }))
        b.put("cpr", s(ids.first { $0.scheme.map { equalsIgnoringCase($0, "DK:CPR") } ?? false }?.value))
        b.put("orgnr", s(ids.first { $0.scheme.map { equalsIgnoringCase($0, "0192") || equalsIgnoringCase($0, "NO:ORGNR") } ?? false }.map { Identifiers.normalizedPartyKey($0.value) }
            ?? p.vatIdentifier.flatMap { hasPrefixIgnoringCase($0, "NO") ? Identifiers.normalizedPartyKey($0) : nil }))
        b.put("name", s(p.name ?? p.tradingName)); b.put("vat", s(p.vatIdentifier))
        b.put("endpoint", s(p.electronicAddress?.value)); b.put("endpoint_scheme", s(p.electronicAddress?.scheme))
        b.put("gln", s(gln(p.electronicAddress) ?? p.identifiers.lazy.compactMap(gln).first)); b.put("country", s(p.postalAddress?.countryCode))
        b.put("legal_id", s(p.legalRegistrationIdentifier?.value)); b.put("contact_id", s(p.contact?.identifier))
        return b
    }

    static func gln(_ id: Identifier?) -> String? {
        guard let id else { return nil }
        guard let scheme = id.scheme, !scheme.isEmpty else { return id.value.count == 13 && id.value.allSatisfy(\.isNumber) ? id.value : nil }
        return equalsIgnoringCase(scheme, "0088") || equalsIgnoringCase(scheme, "GLN") || equalsIgnoringCase(scheme, "EAN") ? id.value : nil
    }

    /// `text` equals the ASCII `other` when both are upper-cased (as `text.uppercased() == other` for an upper-case `other`).
    static func equalsIgnoringCase(_ text: String, _ other: StaticString) -> Bool {
        text.utf8.count == other.utf8CodeUnitCount && hasPrefixIgnoringCase(text, other)
    }

    /// `text.uppercased().hasPrefix(prefix)` for an upper-case ASCII `prefix`.
    static func hasPrefixIgnoringCase(_ text: String, _ prefix: StaticString) -> Bool {
        let p = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        var i = 0
        for b in text.utf8 {
            guard i < p.count else { return true }
            let upper = b >= 0x61 && b <= 0x7A ? b - 0x20 : b
            guard upper == p[i] else { return false }
            i += 1
        }
        return i == p.count
    }
}
