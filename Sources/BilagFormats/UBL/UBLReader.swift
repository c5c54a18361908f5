import BilagCore

/// Maps a UBL 2.1 `Invoice` or `CreditNote` (OIOUBL 2.x, PEPPOL BIS 3, EHF 3, EN 16931) into the canonical model.
struct UBLReader {
    var fields = FieldReader()
    /// VAT breakdowns whose exemption reason element is written but empty (`LexicalFacts.emptyExemptionReasons`).
    var emptyExemptionReasons: [Int] = []

    mutating func read(root: XMLElement, kind: DocumentKind) -> ParsedDocument {
        let customization = root.text(.cbc, "CustomizationID")
        var inv = Invoice.Fields(syntax: .ubl, documentKind: kind, profile: ProfileCache.detect(customization))
        inv.specificationIdentifier = customization
        inv.businessProcessType = root.text(.cbc, "ProfileID")
        inv.invoiceNumber = root.text(.cbc, "ID")
        inv.issueDate = fields.date(root.first(.cbc, "IssueDate"), "cbc:IssueDate")
        inv.paymentDueDate = fields.date(root.first(.cbc, "DueDate"), "cbc:DueDate")
        inv.invoiceTypeCode = kind == .invoice ? root.text(.cbc, "InvoiceTypeCode") : root.text(.cbc, "CreditNoteTypeCode")
        if kind == .invoice, let code = inv.invoiceTypeCode, DocumentKind.creditNoteTypeCodes.contains(code) { inv.documentKind = .creditNote }
        for n in root.all(.cbc, "Note") { if let t = n.trimmedText { inv.notes.append(Self.note(t)) } }
        inv.valueAddedTaxPointDate = fields.date(root.first(.cbc, "TaxPointDate"), "cbc:TaxPointDate")
        inv.documentCurrencyCode = root.text(.cbc, "DocumentCurrencyCode").map { CurrencyCode($0) }
        inv.vatAccountingCurrencyCode = root.text(.cbc, "TaxCurrencyCode").map { CurrencyCode($0) }
        inv.buyerAccountingReference = root.text(.cbc, "AccountingCost")
        inv.buyerReference = root.text(.cbc, "BuyerReference")
        inv.invoicingPeriod = period(root.first(.cac, "InvoicePeriod"), "cac:InvoicePeriod")
        if let order = root.first(.cac, "OrderReference") {
            inv.purchaseOrderReference = order.text(.cbc, "ID")
            inv.salesOrderReference = order.text(.cbc, "SalesOrderID")
        }
        for billing in root.all(.cac, "BillingReference") {
            guard let ref = billing.first(.cac, "InvoiceDocumentReference") ?? billing.first(.cac, "CreditNoteDocumentReference"), let id = ref.text(.cbc, "ID") else { continue }
            var p = PrecedingInvoiceReference(reference: id)
            p.issueDate = fields.date(ref.first(.cbc, "IssueDate"), "cac:BillingReference/cbc:IssueDate")
            inv.precedingInvoiceReferences.append(p)
        }
        inv.despatchAdviceReference = root.first(.cac, "DespatchDocumentReference")?.text(.cbc, "ID")
        inv.receivingAdviceReference = root.first(.cac, "ReceiptDocumentReference")?.text(.cbc, "ID")
        inv.tenderOrLotReference = root.first(.cac, "OriginatorDocumentReference")?.text(.cbc, "ID")
        inv.contractReference = root.first(.cac, "ContractDocumentReference")?.text(.cbc, "ID")
        inv.projectReference = root.first(.cac, "ProjectReference")?.text(.cbc, "ID")
        for doc in root.all(.cac, "AdditionalDocumentReference") {
            let typeCode = doc.text(.cbc, "DocumentTypeCode")
            if typeCode == "130" {
                inv.invoicedObjectIdentifier = fields.identifier(doc.first(.cbc, "ID"))
                continue
            }
            // UBL 2.1 CreditNote has no cac:ProjectReference: EN 16931 puts BT-11 here, with document type code 50.
            if typeCode == "50", kind == .creditNote, inv.projectReference == nil, let project = doc.text(.cbc, "ID") {
                inv.projectReference = project
                continue
            }
            var s = SupportingDocument()
            s.reference = doc.text(.cbc, "ID")
            s.typeCode = typeCode
            s.description = doc.text(.cbc, "DocumentDescription")
            if let att = doc.first(.cac, "Attachment") {
                s.externalLocation = att.first(.cac, "ExternalReference")?.text(.cbc, "URI")
                if let bin = att.first(.cbc, "EmbeddedDocumentBinaryObject") {
                    s.attachmentMimeCode = bin.attribute("mimeCode")
                    s.attachmentFilename = bin.attribute("filename")
                }
            }
            inv.supportingDocuments.append(s)
        }
        inv.seller = party(root.first(.cac, "AccountingSupplierParty")?.first(.cac, "Party"))
        inv.buyer = party(root.first(.cac, "AccountingCustomerParty")?.first(.cac, "Party"))
        if let payee = root.first(.cac, "PayeeParty") {
            var p = Payee()
            p.name = payee.first(.cac, "PartyName")?.text(.cbc, "Name")
            p.identifier = fields.identifier(payee.first(.cac, "PartyIdentification")?.first(.cbc, "ID"))
            p.legalRegistrationIdentifier = fields.identifier(payee.first(.cac, "PartyLegalEntity")?.first(.cbc, "CompanyID"))
            inv.payee = p
        }
        if let rep = root.first(.cac, "TaxRepresentativeParty") {
            var r = TaxRepresentative()
            r.name = rep.first(.cac, "PartyName")?.text(.cbc, "Name")
            r.vatIdentifier = rep.first(.cac, "PartyTaxScheme")?.text(.cbc, "CompanyID")
            r.postalAddress = address(rep.first(.cac, "PostalAddress"))
            inv.sellerTaxRepresentative = r
        }
        if let d = root.first(.cac, "Delivery") {
            var del = Delivery()
            del.actualDeliveryDate = fields.date(d.first(.cbc, "ActualDeliveryDate"), "cac:Delivery/cbc:ActualDeliveryDate")
            if let loc = d.first(.cac, "DeliveryLocation") {
                del.locationIdentifier = fields.identifier(loc.first(.cbc, "ID"))
                del.address = address(loc.first(.cac, "Address"))
            }
            del.deliverToName = d.first(.cac, "DeliveryParty")?.first(.cac, "PartyName")?.text(.cbc, "Name")
            inv.delivery = del
        }
        for pm in root.all(.cac, "PaymentMeans") { inv.paymentInstructions.append(paymentMeans(pm)) }
        if inv.paymentDueDate == nil { inv.paymentDueDate = inv.paymentInstructions.lazy.compactMap(\.paymentDueDate).first }
        let terms = root.all(.cac, "PaymentTerms").compactMap { $0.text(.cbc, "Note") }
        if !terms.isEmpty { inv.paymentTerms = terms.joined(separator: "\n") }
        for ac in root.all(.cac, "AllowanceCharge") { inv.allowanceCharges.append(allowanceCharge(ac, documentLevel: true)) }
        readTaxTotals(root, into: &inv)
        if let t = root.first(.cac, "LegalMonetaryTotal") {
            inv.totals.sumOfInvoiceLineNetAmount = fields.amount(t.first(.cbc, "LineExtensionAmount"), "cac:LegalMonetaryTotal/cbc:LineExtensionAmount")
            inv.totals.invoiceTotalAmountWithoutVAT = fields.amount(t.first(.cbc, "TaxExclusiveAmount"), "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount")
            inv.totals.invoiceTotalAmountWithVAT = fields.amount(t.first(.cbc, "TaxInclusiveAmount"), "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount")
            inv.totals.sumOfAllowancesOnDocumentLevel = fields.amount(t.first(.cbc, "AllowanceTotalAmount"), "cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount")
            inv.totals.sumOfChargesOnDocumentLevel = fields.amount(t.first(.cbc, "ChargeTotalAmount"), "cac:LegalMonetaryTotal/cbc:ChargeTotalAmount")
            inv.totals.paidAmount = fields.amount(t.first(.cbc, "PrepaidAmount"), "cac:LegalMonetaryTotal/cbc:PrepaidAmount")
            inv.totals.roundingAmount = fields.amount(t.first(.cbc, "PayableRoundingAmount"), "cac:LegalMonetaryTotal/cbc:PayableRoundingAmount")
            inv.totals.amountDueForPayment = fields.amount(t.first(.cbc, "PayableAmount"), "cac:LegalMonetaryTotal/cbc:PayableAmount")
        }
        if inv.profile == .oioubl { Self.applyOIOUBLTotals(&inv) }
        let lineName: StaticString = kind == .invoice ? "InvoiceLine" : "CreditNoteLine"
        inv.lines = root.all(.cac, lineName).map { line($0, kind: kind) }
        // The EN 16931 validation stops on it (the XML Schema allows one); the OIOUBL Schematron reads the first.
        if inv.profile != .oioubl, root.all(.cac, "LegalMonetaryTotal").count > 1 {
            fields.findings.append(ParseFinding(path: "cac:LegalMonetaryTotal", message: "occurs more than once (the XML Schema allows one)"))
        }
        var lexical = LexicalScan.scan(root: root, cii: false, oioubl: inv.profile == .oioubl)
        lexical.syntax += Self.syntaxRules(root)
        if inv.profile != .oioubl { lexical.syntax += UBLSyntaxCounts.findings(root, lineName: lineName) }
        lexical.emptyExemptionReasons = emptyExemptionReasons
        let written = inv.profile == .oioubl ? root.writtenTree() : nil
        return ParsedDocument(invoice: Invoice(inv), findings: fields.findings, lexical: lexical, written: written)
    }

    /// The UBL syntax rules of the EN 16931 binding that count elements (UBL-SR-05, -12, -46, -53).
    static func syntaxRules(_ root: XMLElement) -> [LexicalFacts.Finding] {
        var out: [LexicalFacts.Finding] = []
        if root.all(.cac, "PaymentTerms").reduce(0, { $0 + $1.all(.cbc, "Note").count }) > 1 {
            out.append(.init(path: "cac:PaymentTerms/cbc:Note", rule: "UBL-SR-05"))
        }
        let supplier = root.first(.cac, "AccountingSupplierParty")?.first(.cac, "Party")
        let vatSchemes = supplier?.all(.cac, "PartyTaxScheme").filter {
            $0.first(.cac, "TaxScheme")?.first(.cbc, "ID")?.text?.uppercased() == "VAT"
        } ?? []
        if vatSchemes.reduce(0, { $0 + $1.all(.cbc, "CompanyID").count }) > 1 {
            out.append(.init(path: "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme", rule: "UBL-SR-12"))
        }
        if root.all(.cac, "PaymentMeans").filter({ $0.first(.cbc, "PaymentMeansCode")?.rawAttribute("name") != nil }).count > 1 {
            out.append(.init(path: "cac:PaymentMeans/cbc:PaymentMeansCode/@name", rule: "UBL-SR-46"))
        }
        let parties = [root.first(.cac, "AccountingSupplierParty")?.first(.cac, "Party"), root.first(.cac, "AccountingCustomerParty")?.first(.cac, "Party"),
                       root.first(.cac, "PayeeParty"), root.first(.cac, "TaxRepresentativeParty")]
        for party in parties.compactMap({ $0 }) {
            for scheme in party.all(.cac, "PartyTaxScheme") where scheme.first(.cac, "TaxScheme")?.first(.cbc, "ID") == nil || scheme.first(.cbc, "CompanyID") == nil {
                out.append(.init(path: "cac:PartyTaxScheme", rule: "UBL-SR-53"))
            }
        }
        return out
    }

    /// OIOUBL 2.x writes the total VAT in `TaxExclusiveAmount` (its own meaning of the element), so BT-109 is
    /// the line total less allowances plus charges, as EN 16931 defines it.
    static func applyOIOUBLTotals(_ inv: inout Invoice.Fields) {
        guard let lines = inv.totals.sumOfInvoiceLineNetAmount else { return }
        inv.totals.invoiceTotalAmountWithoutVAT = lines - (inv.totals.sumOfAllowancesOnDocumentLevel ?? .zero) + (inv.totals.sumOfChargesOnDocumentLevel ?? .zero)
    }

    /// BIS 3 writes a subject code as `#AAI#text`.
    static func note(_ t: String) -> Note {
        if t.hasPrefix("#"), let end = t.dropFirst().firstIndex(of: "#") {
            let code = String(t[t.index(after: t.startIndex)..<end])
            if (1...3).contains(code.count), code.allSatisfy({ $0.isLetter }) {
                return Note(text: String(t[t.index(after: end)...]), subjectCode: code)
            }
        }
        return Note(text: t)
    }

    mutating func period(_ p: XMLElement?, _ path: String) -> Period? {
        guard let p else { return nil }
        var out = Period()
        let start = p.first(.cbc, "StartDate"), end = p.first(.cbc, "EndDate")
        out.startDate = fields.date(start, path + "/cbc:StartDate", compared: end != nil)
        out.endDate = fields.date(end, path + "/cbc:EndDate", compared: start != nil)
        out.descriptionCode = p.text(.cbc, "DescriptionCode")
        return out
    }

    mutating func paymentMeans(_ pm: XMLElement) -> PaymentInstructions {
        var out = PaymentInstructions()
        if let code = pm.first(.cbc, "PaymentMeansCode") {
            out.paymentMeansTypeCode = code.trimmedText
            out.paymentMeansText = code.attribute("name")
        }
        out.remittanceInformation = pm.text(.cbc, "PaymentID")
        out.paymentDueDate = fields.date(pm.first(.cbc, "PaymentDueDate"), "cac:PaymentMeans/cbc:PaymentDueDate")
        out.paymentChannelCode = pm.text(.cbc, "PaymentChannelCode")
        out.instructionIdentifier = pm.text(.cbc, "InstructionID")
        out.creditAccount = pm.first(.cac, "CreditAccount")?.text(.cbc, "AccountID")
        for acct in pm.all(.cac, "PayeeFinancialAccount") {
            var ct = CreditTransfer()
            ct.paymentAccountIdentifier = fields.identifier(acct.first(.cbc, "ID"))
            ct.paymentAccountName = acct.text(.cbc, "Name")
            let branch = acct.first(.cac, "FinancialInstitutionBranch")
            ct.paymentServiceProviderIdentifier = branch?.text(.cbc, "ID") ?? branch?.first(.cac, "FinancialInstitution")?.text(.cbc, "ID")
            out.creditTransfers.append(ct)
        }
        if let card = pm.first(.cac, "CardAccount") {
            var c = PaymentCard()
            c.primaryAccountNumber = card.text(.cbc, "PrimaryAccountNumberID")
            c.holderName = card.text(.cbc, "HolderName")
            out.paymentCard = c
        }
        if let mandate = pm.first(.cac, "PaymentMandate") {
            var dd = DirectDebit()
            dd.mandateReferenceIdentifier = mandate.text(.cbc, "ID")
            dd.debitedAccountIdentifier = mandate.first(.cac, "PayerFinancialAccount")?.text(.cbc, "ID")
            out.directDebit = dd
        }
        return out
    }

    /// `line` is the line's element path for a line-level allowance or charge (BG-27/BG-28), nil on document level.
    mutating func allowanceCharge(_ ac: XMLElement, documentLevel: Bool, line: String? = nil) -> AllowanceCharge {
        let path = line.map { $0 + "/cac:AllowanceCharge" } ?? "cac:AllowanceCharge"
        var out = AllowanceCharge(isCharge: fields.bool(ac.first(.cbc, "ChargeIndicator"), path + "/cbc:ChargeIndicator") ?? false)
        out.reasonCode = ac.text(.cbc, "AllowanceChargeReasonCode")
        // An empty reason element is there for the official rules (BR-33, BR-38, BR-42, BR-44: `exists(…)`): kept as "".
        out.reason = ac.text(.cbc, "AllowanceChargeReason") ?? (ac.first(.cbc, "AllowanceChargeReason") != nil ? "" : nil)
        out.percentage = fields.amount(ac.first(.cbc, "MultiplierFactorNumeric"), path + "/cbc:MultiplierFactorNumeric")
        out.amount = fields.amount(ac.first(.cbc, "Amount"), path + "/cbc:Amount")
        out.baseAmount = fields.amount(ac.first(.cbc, "BaseAmount"), path + "/cbc:BaseAmount")
        if documentLevel, let cat = ac.first(.cac, "TaxCategory") {
            out.vatCategoryCode = cat.text(.cbc, "ID")
            out.vatRate = fields.amount(cat.first(.cbc, "Percent"), path + "/cac:TaxCategory/cbc:Percent")
        }
        return out
    }

    /// BT-110 is the TaxTotal in the document currency; BT-111 the one in the VAT accounting currency (BT-6).
    mutating func readTaxTotals(_ root: XMLElement, into inv: inout Invoice.Fields) {
        let totals = root.all(.cac, "TaxTotal")
        let docCurrency = inv.documentCurrencyCode?.code
        let taxCurrency = inv.vatAccountingCurrencyCode?.code
        // Only VAT counts for BT-110 and BG-23: OIOUBL also carries excise and other duties in TaxTotal.
        for tt in totals where Self.isVAT(tt) {
            let amountEl = tt.first(.cbc, "TaxAmount")
            let currency = amountEl?.attribute("currencyID")
            let amount = fields.amount(amountEl, "cac:TaxTotal/cbc:TaxAmount")
            if let taxCurrency, taxCurrency != docCurrency, currency == taxCurrency {
                inv.totals.invoiceTotalVATAmountInAccountingCurrency = amount
                continue
            }
            if inv.totals.invoiceTotalVATAmount == nil { inv.totals.invoiceTotalVATAmount = amount }
            for sub in tt.all(.cac, "TaxSubtotal") where Self.isVATSubtotal(sub) {
                var b = VATBreakdown()
                b.taxableAmount = fields.amount(sub.first(.cbc, "TaxableAmount"), "cac:TaxSubtotal/cbc:TaxableAmount")
                b.taxAmount = fields.amount(sub.first(.cbc, "TaxAmount"), "cac:TaxSubtotal/cbc:TaxAmount")
                if let cat = sub.first(.cac, "TaxCategory") {
                    b.categoryCode = cat.text(.cbc, "ID")
                    b.rate = fields.amount(cat.first(.cbc, "Percent"), "cac:TaxSubtotal/cac:TaxCategory/cbc:Percent")
                    b.exemptionReasonCode = cat.text(.cbc, "TaxExemptionReasonCode")
                    b.exemptionReasonText = cat.text(.cbc, "TaxExemptionReason")
                    if b.exemptionReasonCode == nil && b.exemptionReasonText == nil,
                       cat.first(.cbc, "TaxExemptionReason") != nil || cat.first(.cbc, "TaxExemptionReasonCode") != nil {
                        emptyExemptionReasons.append(inv.vatBreakdown.count)
                    }
                }
                if b.rate == nil { b.rate = fields.amount(sub.first(.cbc, "Percent"), "cac:TaxSubtotal/cbc:Percent") }
                inv.vatBreakdown.append(b)
            }
        }
    }

    /// The tax scheme of a subtotal: `VAT` (EN 16931), `63`/`Moms` (OIOUBL); nil when not stated.
    static func taxScheme(_ sub: XMLElement) -> String? {
        let scheme = sub.first(.cac, "TaxCategory")?.first(.cac, "TaxScheme")
        return (scheme?.text(.cbc, "ID") ?? scheme?.text(.cbc, "Name"))?.uppercased()
    }

    static func isVATSubtotal(_ sub: XMLElement) -> Bool {
        guard let scheme = taxScheme(sub) else { return true }
        return scheme == "VAT" || scheme == "63" || scheme == "MOMS"
    }

    /// A TaxTotal is VAT unless every subtotal it has names another tax scheme.
    static func isVAT(_ tt: XMLElement) -> Bool {
        let subs = tt.all(.cac, "TaxSubtotal")
        return subs.isEmpty || subs.contains(where: isVATSubtotal)
    }
}
