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

    /// The values for one invoice.
    public static func values(_ inv: Invoice, channel: String, today: LocalDate) -> [String: Value] {
        func s(_ v: String?) -> Value { v.map { .string($0) } ?? .null }
        func n(_ v: Amount?) -> Value { v.map { .number($0) } ?? .null }
        func d(_ v: LocalDate?) -> Value { v.map { .date($0) } ?? .null }
        let kind = inv.documentKind
        let notes = inv.notes.map(\.text)
        // OIOUBL has no buyer reference (BT-10): Danish public buyers put theirs in the buyer contact's ID.
        let contactID = inv.buyer.contact?.identifier.flatMap { $0.trimmingWhitespace(includingNewlines: false).isEmpty || $0 == "NA" ? nil : $0 }
        let buyerReference = inv.buyerReference ?? (inv.profile == .oioubl ? contactID : nil)
        var texts = notes
        texts += [buyerReference, contactID == buyerReference ? nil : contactID, inv.purchaseOrderReference, inv.contractReference, inv.projectReference, inv.buyerAccountingReference,
                  inv.paymentInstructions.first?.remittanceInformation, inv.invoicedObjectIdentifier?.value, inv.paymentTerms].compactMap { $0 }
        for l in inv.lines { texts += [l.note, l.itemName, l.itemDescription, l.objectIdentifier?.value].compactMap { $0 } }
        var identifiers = [inv.invoicedObjectIdentifier?.value, inv.contractReference, inv.purchaseOrderReference, buyerReference, contactID == buyerReference ? nil : contactID, inv.projectReference].compactMap { $0 }
        for l in inv.lines {
            identifiers += [l.objectIdentifier?.value, l.itemSellersIdentifier, l.buyerAccountingReference].compactMap { $0 }
            identifiers += l.itemAttributes.map(\.value)
        }
        for doc in inv.supportingDocuments { if let r = doc.reference { identifiers.append(r) } }
        let invoice: [String: Value] = [
            "number": s(inv.invoiceNumber), "issue_date": d(inv.issueDate), "due_date": d(inv.paymentDueDate), "type_code": s(inv.invoiceTypeCode),
            "kind": .string(inv.documentKind.rawValue), "currency": s(inv.documentCurrencyCode?.code),
            "amount_due": n(inv.signedAmountDue), "total_without_vat": n(inv.signedTotalWithoutVAT), "total_vat": n(inv.signedTotalVAT),
            "total_with_vat": n(inv.totals.invoiceTotalAmountWithVAT.map(kind.signed)),
            "buyer_reference": s(buyerReference), "order_reference": s(inv.purchaseOrderReference), "contract_reference": s(inv.contractReference),
            "project_reference": s(inv.projectReference), "accounting_cost": s(inv.buyerAccountingReference),
            "payment_id": s(inv.paymentInstructions.lazy.compactMap(\.remittanceInformation).first), "object_id": s(inv.invoicedObjectIdentifier?.value),
            "profile": .string(inv.profile.rawValue), "syntax": .string(inv.syntax.rawValue),
            "period_start": d(inv.invoicingPeriod?.startDate), "period_end": d(inv.invoicingPeriod?.endDate),
            "notes": .list(notes.map { .string($0) }), "note": .string(notes.joined(separator: "\n")), "texts": .list(texts.map { .string($0) }),
            "identifiers": .list(identifiers.map { .string($0) }), "line_count": .number(Amount(inv.lines.count)),
            "service_date": d(inv.delivery?.actualDeliveryDate ?? inv.invoicingPeriod?.startDate ?? inv.valueAddedTaxPointDate ?? inv.issueDate),
        ]
        var seller = party(inv.seller)
        seller["payment_account"] = s(inv.paymentInstructions.lazy.flatMap(\.creditTransfers).compactMap { $0.paymentAccountIdentifier?.value }.first)
        var buyer = party(inv.buyer)
        buyer["ean"] = s(gln(inv.buyer.electronicAddress) ?? inv.buyer.identifiers.lazy.compactMap(gln).first ?? inv.delivery?.locationIdentifier.flatMap(gln))
        let lines: [Value] = inv.lines.map { l in
            .record([
                "id": s(l.identifier), "name": s(l.itemName), "description": s(l.itemDescription), "quantity": n(l.invoicedQuantity.map(kind.signed)),
                "unit": s(l.invoicedQuantityUnitCode), "net_amount": n(l.netAmount.map(kind.signed)), "price": n(l.itemNetPrice),
                "accounting_cost": s(l.buyerAccountingReference), "order_line": s(l.referencedPurchaseOrderLineReference), "note": s(l.note),
                "vat_category": s(l.vatCategoryCode), "vat_rate": n(l.vatRate), "object_id": s(l.objectIdentifier?.value), "sellers_item_id": s(l.itemSellersIdentifier),
                "period_start": d(l.period?.startDate), "period_end": d(l.period?.endDate),
            ])
        }
        return ["invoice": .record(invoice), "seller": .record(seller), "buyer": .record(buyer), "lines": .list(lines), "today": .date(today), "channel": .string(channel)]
    }

    static func party(_ p: Party) -> [String: Value] {
        func s(_ v: String?) -> Value { v.map { .string($0) } ?? .null }
        var ids = p.identifiers
        if let e = p.electronicAddress { ids.insert(e, at: 0) }
        if let l = p.legalRegistrationIdentifier { ids.insert(l, at: 0) }
        // Schemes are compared without case and without making upper-cased copies (several a party, on every invoice).
        let cvr = ids.first { id in
            guard let scheme = id.scheme, !scheme.isEmpty else { return hasPrefixIgnoringCase(id.value, "DK") }
            return equalsIgnoringCase(scheme, "0184") || equalsIgnoringCase(scheme, "DK:CVR") || equalsIgnoringCase(scheme, "DK:SE")
        }.map { Identifiers.normalizedPartyKey($0.value) }
            ?? p.vatIdentifier.flatMap { hasPrefixIgnoringCase($0, "DK") ? Identifiers.normalizedPartyKey($0) : nil }
        let cpr = ids.first { $0.scheme.map { equalsIgnoringCase($0, "DK:CPR") } ?? false }?.value
        let orgnr = ids.first { $0.scheme.map { equalsIgnoringCase($0, "0192") || equalsIgnoringCase($0, "NO:ORGNR") } ?? false }.map { Identifiers.normalizedPartyKey($0.value) }
            ?? p.vatIdentifier.flatMap { hasPrefixIgnoringCase($0, "NO") ? Identifiers.normalizedPartyKey($0) : nil }
        return [
            "name": s(p.name ?? p.tradingName), "cvr": s(cvr), "cpr": s(cpr), "orgnr": s(orgnr), "vat": s(p.vatIdentifier),
            "endpoint": s(p.electronicAddress?.value), "endpoint_scheme": s(p.electronicAddress?.scheme),
            "gln": s(gln(p.electronicAddress) ?? p.identifiers.lazy.compactMap(gln).first), "country": s(p.postalAddress?.countryCode),
            "legal_id": s(p.legalRegistrationIdentifier?.value), "contact_id": s(p.contact?.identifier),
        ]
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
