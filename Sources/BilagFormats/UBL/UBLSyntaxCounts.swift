import BilagCore

/// The UBL syntax rules of the EN 16931 binding that count elements (`UBL-SR-*`: "… shall occur maximum once"),
/// judged on the document as written while parsing: the canonical model keeps one of each and cannot tell.
/// The table states each rule as the Schematron does: the context it is stated on and the path it counts.
enum UBLSyntaxCounts {
    typealias Step = (Namespace, StaticString)

    /// Where a rule is stated.
    enum Context: Int, CaseIterable { case document, line, payee, paymentMeans, billingReference, taxRepresentative, taxSubtotal, supplierParty, additionalDocument, delivery }

    struct Count: @unchecked Sendable {
        let rule: String
        let context: Context
        let path: [Step]
        let max: Int
    }

    static let counts: [Count] = [
        Count(rule: "UBL-SR-01", context: .document, path: [(.cac, "ContractDocumentReference"), (.cbc, "ID")], max: 1),
        Count(rule: "UBL-SR-02", context: .document, path: [(.cac, "ReceiptDocumentReference"), (.cbc, "ID")], max: 1),
        Count(rule: "UBL-SR-03", context: .document, path: [(.cac, "DespatchDocumentReference"), (.cbc, "ID")], max: 1),
        Count(rule: "UBL-SR-08", context: .document, path: [(.cac, "InvoicePeriod")], max: 1),
        Count(rule: "UBL-SR-09", context: .document, path: [(.cac, "AccountingSupplierParty"), (.cac, "Party"), (.cac, "PartyLegalEntity"), (.cbc, "RegistrationName")], max: 1),
        Count(rule: "UBL-SR-10", context: .document, path: [(.cac, "AccountingSupplierParty"), (.cac, "Party"), (.cac, "PartyName"), (.cbc, "Name")], max: 1),
        Count(rule: "UBL-SR-11", context: .document, path: [(.cac, "AccountingSupplierParty"), (.cac, "Party"), (.cac, "PartyLegalEntity"), (.cbc, "CompanyID")], max: 1),
        Count(rule: "UBL-SR-14", context: .document, path: [(.cac, "AccountingSupplierParty"), (.cac, "Party"), (.cac, "PartyLegalEntity"), (.cbc, "CompanyLegalForm")], max: 1),
        Count(rule: "UBL-SR-15", context: .document, path: [(.cac, "AccountingCustomerParty"), (.cac, "Party"), (.cac, "PartyLegalEntity"), (.cbc, "RegistrationName")], max: 1),
        Count(rule: "UBL-SR-16", context: .document, path: [(.cac, "AccountingCustomerParty"), (.cac, "Party"), (.cac, "PartyIdentification"), (.cbc, "ID")], max: 1),
        Count(rule: "UBL-SR-17", context: .document, path: [(.cac, "AccountingCustomerParty"), (.cac, "Party"), (.cac, "PartyLegalEntity"), (.cbc, "CompanyID")], max: 1),
        Count(rule: "UBL-SR-24", context: .document, path: [(.cac, "Delivery")], max: 1),
        Count(rule: "UBL-SR-39", context: .document, path: [(.cac, "ProjectReference"), (.cbc, "ID")], max: 1),
        Count(rule: "UBL-SR-40", context: .document, path: [(.cac, "AccountingCustomerParty"), (.cac, "Party"), (.cac, "PartyName"), (.cbc, "Name")], max: 1),
        Count(rule: "UBL-SR-45", context: .document, path: [(.cac, "PaymentMeans"), (.cbc, "PaymentDueDate")], max: 1),
        Count(rule: "UBL-SR-49", context: .document, path: [(.cac, "InvoicePeriod"), (.cbc, "DescriptionCode")], max: 1),
        Count(rule: "UBL-SR-34", context: .line, path: [(.cbc, "Note")], max: 1),
        Count(rule: "UBL-SR-35", context: .line, path: [(.cac, "OrderLineReference"), (.cbc, "LineID")], max: 1),
        Count(rule: "UBL-SR-36", context: .line, path: [(.cac, "InvoicePeriod")], max: 1),
        Count(rule: "UBL-SR-37", context: .line, path: [(.cac, "Price"), (.cac, "AllowanceCharge"), (.cbc, "Amount")], max: 1),
        Count(rule: "UBL-SR-50", context: .line, path: [(.cac, "Item"), (.cbc, "Description")], max: 1),
        Count(rule: "UBL-SR-52", context: .line, path: [(.cac, "DocumentReference")], max: 1),
        Count(rule: "UBL-SR-26", context: .paymentMeans, path: [(.cbc, "PaymentID")], max: 1),
        Count(rule: "UBL-SR-27", context: .paymentMeans, path: [(.cbc, "PaymentMeansCode")], max: 1),
        Count(rule: "UBL-SR-28", context: .paymentMeans, path: [(.cac, "PaymentMandate"), (.cbc, "ID")], max: 1),
        Count(rule: "UBL-SR-06", context: .billingReference, path: [(.cac, "InvoiceDocumentReference")], max: 1),
        Count(rule: "UBL-SR-22", context: .taxRepresentative, path: [(.cac, "PartyName"), (.cbc, "Name")], max: 1),
        Count(rule: "UBL-SR-32", context: .taxSubtotal, path: [(.cac, "TaxCategory"), (.cbc, "TaxExemptionReason")], max: 1),
        Count(rule: "UBL-SR-42", context: .supplierParty, path: [(.cac, "PartyTaxScheme")], max: 2),
        Count(rule: "UBL-SR-33", context: .additionalDocument, path: [(.cbc, "DocumentDescription")], max: 1),
        Count(rule: "UBL-SR-25", context: .delivery, path: [(.cac, "DeliveryParty"), (.cac, "PartyName"), (.cbc, "Name")], max: 1),
    ]

    /// The findings of every counting rule on a UBL document (`root`: `Invoice` or `CreditNote`).
    static func findings(_ root: XMLElement, lineName: StaticString) -> [LexicalFacts.Finding] {
        var out: [LexicalFacts.Finding] = []
        let lines = root.all(.cac, lineName)
        let payees = root.all(.cac, "PayeeParty")
        let supplier = root.first(.cac, "AccountingSupplierParty")?.first(.cac, "Party")
        let paymentMeans = root.all(.cac, "PaymentMeans")
        let billingReferences = root.all(.cac, "BillingReference")
        // One walk over the document for the three descendants the rules read (`//x`), not one walk each.
        let (taxSubtotals, addresses) = descendants(root)
        // Each context's elements are found once, not once for each rule stated on it (some 30 rules, 10 contexts).
        let contexts: [[XMLElement]] = Context.allCases.map { c in
            switch c {
            case .document: return [root]
            case .line: return lines
            case .payee: return payees
            case .paymentMeans: return paymentMeans
            case .billingReference: return billingReferences
            case .taxRepresentative: return root.all(.cac, "TaxRepresentativeParty")
            case .taxSubtotal: return taxSubtotals
            case .supplierParty: return supplier.map { [$0] } ?? []
            case .additionalDocument: return root.all(.cac, "AdditionalDocumentReference")
            case .delivery: return root.all(.cac, "Delivery") + lines.flatMap { $0.all(.cac, "Delivery") }
            }
        }
        for count in counts {
            for e in contexts[count.context.rawValue] where Self.count(e, count.path[...]) > count.max {
                out.append(.init(path: e.name, rule: count.rule))
                break
            }
        }
        // UBL-SR-48: each line has exactly one ClassifiedTaxCategory.
        if lines.contains(where: { count($0, [(.cac, "Item"), (.cac, "ClassifiedTaxCategory")]) != 1 }) {
            out.append(.init(path: "cac:Item/cac:ClassifiedTaxCategory", rule: "UBL-SR-48"))
        }
        // UBL-SR-07: a billing reference has an invoice document reference with an ID.
        if billingReferences.contains(where: { count($0, [(.cac, "InvoiceDocumentReference"), (.cbc, "ID")]) == 0 }) {
            out.append(.init(path: "cac:BillingReference", rule: "UBL-SR-07"))
        }
        // UBL-SR-19/20/21 (payee): at most one name, identifier (not SEPA) and legal registration, and a payee name
        // that differs from the seller's registration name (`cac:PartyName/cbc:Name != …/cbc:RegistrationName`:
        // false, so failing, when either is missing).
        let sellerNames = supplier?.all(.cac, "PartyLegalEntity").flatMap { $0.all(.cbc, "RegistrationName") }.map { $0.text ?? "" } ?? []
        for payee in payees {
            let names = payee.all(.cac, "PartyName").flatMap { $0.all(.cbc, "Name") }.map { $0.text ?? "" }
            let differs = names.contains { n in sellerNames.contains { $0 != n } }
            // `cbc:ID[upper-case(@schemeID) != 'SEPA']`: an ID without a scheme counts too (upper-case(()) is "").
            let ids = payee.all(.cac, "PartyIdentification").flatMap { $0.all(.cbc, "ID") }.filter { ($0.rawAttribute("schemeID") ?? "").uppercased() != "SEPA" }
            if names.count > 1 || !differs { out.append(.init(path: "cac:PayeeParty", rule: "UBL-SR-19")) }
            if ids.count > 1 || !differs { out.append(.init(path: "cac:PayeeParty", rule: "UBL-SR-20")) }
            if count(payee, [(.cac, "PartyLegalEntity"), (.cbc, "CompanyID")]) > 1 || !differs { out.append(.init(path: "cac:PayeeParty", rule: "UBL-SR-21")) }
        }
        // Elements the XML Schema allows once whose repetition stops the official rules (a sequence where one value
        // is expected: `xs:decimal(…)`, `normalize-space(…)`, `substring-after(…)` of two values is a type error):
        // what the rules read as one value — the root's dates, identifiers, codes and parties, every document total
        // (BR-DEC-09…18 read each), each VAT breakdown's amounts, category and rate (BR-DEC-19/20, BR-x-05), each
        // allowance's or charge's amounts (BR-DEC-01…28), each line's amount and item (and under PEPPOL its price and
        // price amount, R120), each payment means code (BR-61).
        // The path is put together only for a finding: on a clean document every call finds nothing (some 11 k
        // instructions an OIOUBL invoice went to building paths nobody read).
        func repeated(_ e: XMLElement?, _ ns: Namespace, _ local: StaticString, _ path: @autoclosure () -> String, peppolOnly: Bool = false) {
            if let e, e.count(ns, local) > 1 { out.append(.init(path: path(), rule: peppolOnly ? LexicalFacts.repeatedPeppol : LexicalFacts.repeated)) }
        }
        repeated(root, .cbc, "DocumentCurrencyCode", "cbc:DocumentCurrencyCode")
        repeated(root, .cbc, "InvoiceTypeCode", "cbc:InvoiceTypeCode")
        repeated(root, .cbc, "CreditNoteTypeCode", "cbc:CreditNoteTypeCode")
        repeated(root, .cac, "AccountingSupplierParty", "cac:AccountingSupplierParty")
        repeated(supplier, .cac, "PartyLegalEntity", "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity")
        repeated(root.first(.cac, "LegalMonetaryTotal"), .cbc, "LineExtensionAmount", "cac:LegalMonetaryTotal/cbc:LineExtensionAmount")
        repeated(root, .cbc, "ProfileID", "cbc:ProfileID", peppolOnly: true)
        for name: StaticString in ["CustomizationID", "IssueDate"] { repeated(root, .cbc, name, "cbc:\(name)") }
        repeated(root, .cac, "AccountingCustomerParty", "cac:AccountingCustomerParty")
        // The seller's and the buyer's country (BR-09, BR-11 read `cac:Country/cbc:IdentificationCode` as one value).
        let customer = root.first(.cac, "AccountingCustomerParty")?.first(.cac, "Party")
        for (party, path) in [(supplier, "cac:AccountingSupplierParty"), (customer, "cac:AccountingCustomerParty")] {
            for address in party?.all(.cac, "PostalAddress") ?? [] { repeated(address, .cac, "Country", path + "/cac:Party/cac:PostalAddress/cac:Country") }
        }
        for total in root.all(.cac, "LegalMonetaryTotal") {
            for name: StaticString in ["TaxExclusiveAmount", "TaxInclusiveAmount", "AllowanceTotalAmount", "ChargeTotalAmount", "PrepaidAmount",
                                       "PayableRoundingAmount", "PayableAmount"] {
                repeated(total, .cbc, name, "cac:LegalMonetaryTotal/cbc:\(name)")
            }
        }
        for taxTotal in root.all(.cac, "TaxTotal") {
            repeated(taxTotal, .cbc, "TaxAmount", "cac:TaxTotal/cbc:TaxAmount")
            for sub in taxTotal.all(.cac, "TaxSubtotal") {
                repeated(sub, .cbc, "TaxableAmount", "cac:TaxSubtotal/cbc:TaxableAmount")
                repeated(sub, .cbc, "TaxAmount", "cac:TaxSubtotal/cbc:TaxAmount")
                repeated(sub, .cac, "TaxCategory", "cac:TaxSubtotal/cac:TaxCategory")
                for category in sub.all(.cac, "TaxCategory") { repeated(category, .cbc, "Percent", "cac:TaxSubtotal/cac:TaxCategory/cbc:Percent") }
            }
        }
        for means in paymentMeans { repeated(means, .cbc, "PaymentMeansCode", "cac:PaymentMeans/cbc:PaymentMeansCode") }
        for ac in root.all(.cac, "AllowanceCharge") + lines.flatMap({ $0.all(.cac, "AllowanceCharge") }) {
            repeated(ac, .cbc, "Amount", "cac:AllowanceCharge/cbc:Amount")
            repeated(ac, .cbc, "BaseAmount", "cac:AllowanceCharge/cbc:BaseAmount")
        }
        for line in lines {
            repeated(line, .cbc, "LineExtensionAmount", "cbc:LineExtensionAmount")
            repeated(line, .cac, "Item", "cac:Item")
            for item in line.all(.cac, "Item") { repeated(item, .cbc, "Name", "cac:Item/cbc:Name") } // BR-25
            repeated(line, .cac, "Price", "cac:Price", peppolOnly: true)
            for price in line.all(.cac, "Price") { repeated(price, .cbc, "PriceAmount", "cac:Price/cbc:PriceAmount", peppolOnly: true) }
            for category in line.all(.cac, "Item").flatMap({ $0.all(.cac, "ClassifiedTaxCategory") }) {
                repeated(category, .cbc, "Percent", "cac:ClassifiedTaxCategory/cbc:Percent")
            }
        }
        // UBL-SR-13 (the seller's non-VAT tax registrations) and UBL-SR-18 (the buyer's VAT identifiers):
        // `PartyTaxScheme[cac:TaxScheme/upper-case(cbc:ID) = 'VAT']/cbc:CompanyID`, at most one.
        func taxCompanyIDs(_ party: XMLElement?, vat: Bool) -> Int {
            (party?.all(.cac, "PartyTaxScheme") ?? []).filter { scheme in
                scheme.all(.cac, "TaxScheme").flatMap { $0.all(.cbc, "ID") }.contains { ($0.text ?? "").uppercased() == "VAT" } == vat
            }.reduce(0) { $0 + $1.all(.cbc, "CompanyID").count }
        }
        if taxCompanyIDs(supplier, vat: false) > 1 { out.append(.init(path: "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme", rule: "UBL-SR-13")) }
        if taxCompanyIDs(root.first(.cac, "AccountingCustomerParty")?.first(.cac, "Party"), vat: true) > 1 {
            out.append(.init(path: "cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme", rule: "UBL-SR-18"))
        }
        // UBL-SR-51: an address has at most one AddressLine (every PostalAddress and Address in the document).
        if addresses.contains(where: { $0.count(.cac, "AddressLine") > 1 }) {
            out.append(.init(path: "cac:AddressLine", rule: "UBL-SR-51"))
        }
        return out
    }

    /// `count(a/b/c)` from `e`.
    static func count(_ e: XMLElement, _ path: ArraySlice<Step>) -> Int {
        guard let (ns, local) = path.first else { return 1 }
        if path.count == 1 { return e.count(ns, local) }
        var n = 0
        for c in e.children where c.is(ns, local) { n += count(c, path.dropFirst()) }
        return n
    }

    /// Every descendant `cac:TaxSubtotal` (`//cac:TaxSubtotal`), and every descendant `cac:PostalAddress` and
    /// `cac:Address` (`//cac:PostalAddress | //cac:Address`; the order does not matter to UBL-SR-51), in one walk.
    static func descendants(_ e: XMLElement) -> (taxSubtotals: [XMLElement], addresses: [XMLElement]) {
        var found: (taxSubtotals: [XMLElement], addresses: [XMLElement]) = ([], [])
        collect(e, into: &found)
        return found
    }

    private static func collect(_ e: XMLElement, into found: inout (taxSubtotals: [XMLElement], addresses: [XMLElement])) {
        for c in e.children {
            if c.is(.cac, "TaxSubtotal") { found.taxSubtotals.append(c) } else if c.is(.cac, "PostalAddress") || c.is(.cac, "Address") { found.addresses.append(c) }
            collect(c, into: &found)
        }
    }
}
