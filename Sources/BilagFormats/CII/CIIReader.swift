import BilagCore

/// Maps a UN/CEFACT `CrossIndustryInvoice` (EN 16931 CII, XRechnung, Factur-X) into the canonical model.
struct CIIReader {
    var fields = FieldReader()
    /// VAT breakdowns whose exemption reason element is written but empty (`LexicalFacts.emptyExemptionReasons`).
    var emptyExemptionReasons: [Int] = []

    mutating func read(root: XMLElement) -> ParsedDocument {
        let context = root.first(.ciiRoot, "ExchangedDocumentContext")
        let customization = context?.first(.ram, "GuidelineSpecifiedDocumentContextParameter")?.text(.ram, "ID")
        let header = root.first(.ciiRoot, "ExchangedDocument")
        let typeCode = header?.text(.ram, "TypeCode")
        let kind: DocumentKind = typeCode.map { DocumentKind.creditNoteTypeCodes.contains($0) } == true ? .creditNote : .invoice
        var inv = Invoice.Fields(syntax: .cii, documentKind: kind, profile: ProfileCache.detect(customization))
        inv.specificationIdentifier = customization
        inv.businessProcessType = context?.first(.ram, "BusinessProcessSpecifiedDocumentContextParameter")?.text(.ram, "ID")
        inv.invoiceTypeCode = typeCode
        if let header {
            inv.invoiceNumber = header.text(.ram, "ID")
            inv.issueDate = dateTime(header.first(.ram, "IssueDateTime"), "rsm:ExchangedDocument/ram:IssueDateTime")
            for n in header.all(.ram, "IncludedNote") {
                if let t = n.text(.ram, "Content") { inv.notes.append(Note(text: t, subjectCode: n.text(.ram, "SubjectCode"))) }
            }
        }
        guard let tx = root.first(.ciiRoot, "SupplyChainTradeTransaction") else {
            return ParsedDocument(invoice: Invoice(inv), findings: fields.findings, lexical: LexicalScan.scan(root: root, cii: true))
        }
        inv.lines = tx.all(.ram, "IncludedSupplyChainTradeLineItem").map { line($0) }
        if let agreement = tx.first(.ram, "ApplicableHeaderTradeAgreement") { readAgreement(agreement, into: &inv) }
        if let delivery = tx.first(.ram, "ApplicableHeaderTradeDelivery") { readDelivery(delivery, into: &inv) }
        if let settlement = tx.first(.ram, "ApplicableHeaderTradeSettlement") { readSettlement(settlement, into: &inv) }
        var lexical = LexicalScan.scan(root: root, cii: true)
        if let agreement = tx.first(.ram, "ApplicableHeaderTradeAgreement") {
            lexical.ciiSellerVATSchemeID = Self.vatSchemeID(agreement.first(.ram, "SellerTradeParty"))
            lexical.ciiTaxRepresentativeVATSchemeID = Self.vatSchemeID(agreement.first(.ram, "SellerTaxRepresentativeTradeParty"))
            // PEPPOL-EN16931-CL008 reads every seller's and buyer's URIID schemeID as written (none is in no list).
            lexical.endpointSchemeIDs = [agreement.first(.ram, "SellerTradeParty"), agreement.first(.ram, "BuyerTradeParty")].flatMap { party in
                (party?.all(.ram, "URIUniversalCommunication") ?? []).flatMap { $0.all(.ram, "URIID").map { $0.rawAttribute("schemeID") ?? "" } }
            }
            lexical.ciiPartyGlobalIDWithoutScheme = [agreement.first(.ram, "SellerTradeParty"), agreement.first(.ram, "BuyerTradeParty")].contains { party in
                let globalIDs = party?.all(.ram, "GlobalID") ?? []
                guard !globalIDs.isEmpty else { return false }
                let schemes = globalIDs.compactMap { $0.rawAttribute("schemeID") }
                return schemes.count != 1 || schemes[0].allSatisfy(\.isWhitespace)
            }
        }
        lexical.ciiPayeeIBANIDs = tx.first(.ram, "ApplicableHeaderTradeSettlement")?.all(.ram, "SpecifiedTradeSettlementPaymentMeans").map {
            $0.all(.ram, "PayeePartyCreditorFinancialAccount").flatMap { $0.all(.ram, "IBANID").map { $0.text ?? "" } }
        } ?? []
        lexical.paddedCategoryCodes = CIIWritten.paddedCategoryCodes(tx)
        lexical.syntax += CIIWritten.periodsWithoutFormat102(tx)
        lexical.emptyExemptionReasons = emptyExemptionReasons
        lexical.syntax += CIISyntaxCounts.findings(root, tx)
        return ParsedDocument(invoice: Invoice(inv), findings: fields.findings, lexical: lexical)
    }

    /// The ID of the party's first `ram:SpecifiedTaxRegistration` with `schemeID="VAT"`, as written.
    static func vatSchemeID(_ party: XMLElement?) -> String? {
        party?.all(.ram, "SpecifiedTaxRegistration").lazy.compactMap { $0.first(.ram, "ID") }
            .first { $0.rawAttribute("schemeID") == "VAT" }.map { $0.text ?? "" }
    }

    /// A `udt:DateTimeString` (format 102, `YYYYMMDD`) inside the element.
    mutating func dateTime(_ e: XMLElement?, _ path: String) -> LocalDate? {
        guard let e else { return nil }
        let s = e.first(.udt, "DateTimeString") ?? e.first(.qdt, "DateTimeString") ?? e.first(.udt, "DateString")
        return fields.date(s, path + "/udt:DateTimeString")
    }

    mutating func readAgreement(_ a: XMLElement, into inv: inout Invoice.Fields) {
        inv.buyerReference = a.text(.ram, "BuyerReference")
        inv.seller = party(a.first(.ram, "SellerTradeParty"))
        inv.buyer = party(a.first(.ram, "BuyerTradeParty"))
        if let rep = a.first(.ram, "SellerTaxRepresentativeTradeParty") {
            var r = TaxRepresentative()
            r.name = rep.text(.ram, "Name")
            r.vatIdentifier = rep.all(.ram, "SpecifiedTaxRegistration").lazy.compactMap { $0.first(.ram, "ID") }
                .first { $0.rawAttribute("schemeID") == "VA" }?.trimmedText
            r.postalAddress = address(rep.first(.ram, "PostalTradeAddress"))
            inv.sellerTaxRepresentative = r
        }
        inv.salesOrderReference = a.first(.ram, "SellerOrderReferencedDocument")?.text(.ram, "IssuerAssignedID")
        inv.purchaseOrderReference = a.first(.ram, "BuyerOrderReferencedDocument")?.text(.ram, "IssuerAssignedID")
        inv.contractReference = a.first(.ram, "ContractReferencedDocument")?.text(.ram, "IssuerAssignedID")
        inv.projectReference = a.first(.ram, "SpecifiedProcuringProject")?.text(.ram, "ID")
        for doc in a.all(.ram, "AdditionalReferencedDocument") {
            let type = doc.text(.ram, "TypeCode")
            if type == "130" {
                if let id = doc.text(.ram, "IssuerAssignedID") { inv.invoicedObjectIdentifier = Identifier(id, scheme: doc.text(.ram, "ReferenceTypeCode")) }
                continue
            }
            if type == "50" { inv.tenderOrLotReference = doc.text(.ram, "IssuerAssignedID"); continue }
            var s = SupportingDocument()
            s.reference = doc.text(.ram, "IssuerAssignedID")
            s.typeCode = type
            s.description = doc.text(.ram, "Name")
            s.externalLocation = doc.text(.ram, "URIID")
            if let bin = doc.first(.ram, "AttachmentBinaryObject") {
                s.attachmentMimeCode = bin.attribute("mimeCode")
                s.attachmentFilename = bin.attribute("filename")
            }
            inv.supportingDocuments.append(s)
        }
    }

    mutating func readDelivery(_ d: XMLElement, into inv: inout Invoice.Fields) {
        var del = Delivery()
        if let ship = d.first(.ram, "ShipToTradeParty") {
            del.locationIdentifier = fields.identifier(ship.first(.ram, "GlobalID")) ?? fields.identifier(ship.first(.ram, "ID"))
            del.deliverToName = ship.text(.ram, "Name")
            del.address = address(ship.first(.ram, "PostalTradeAddress"))
        }
        del.actualDeliveryDate = dateTime(d.first(.ram, "ActualDeliverySupplyChainEvent")?.first(.ram, "OccurrenceDateTime"), "ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime")
        if del != Delivery() { inv.delivery = del }
        inv.despatchAdviceReference = d.first(.ram, "DespatchAdviceReferencedDocument")?.text(.ram, "IssuerAssignedID")
        inv.receivingAdviceReference = d.first(.ram, "ReceivingAdviceReferencedDocument")?.text(.ram, "IssuerAssignedID")
    }

    mutating func period(_ p: XMLElement?, _ path: String) -> Period? {
        guard let p else { return nil }
        var out = Period()
        out.startDate = dateTime(p.first(.ram, "StartDateTime"), path + "/ram:StartDateTime")
        out.endDate = dateTime(p.first(.ram, "EndDateTime"), path + "/ram:EndDateTime")
        return out
    }

    mutating func allowanceCharge(_ ac: XMLElement, documentLevel: Bool) -> AllowanceCharge {
        let path = documentLevel ? "ram:SpecifiedTradeAllowanceCharge" : "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge"
        var out = AllowanceCharge(isCharge: fields.bool(ac.first(.ram, "ChargeIndicator")?.first(.udt, "Indicator"), path + "/ram:ChargeIndicator") ?? false)
        out.percentage = fields.amount(ac.first(.ram, "CalculationPercent"), path + "/ram:CalculationPercent")
        out.baseAmount = fields.amount(ac.first(.ram, "BasisAmount"), path + "/ram:BasisAmount")
        out.amount = fields.amount(ac.first(.ram, "ActualAmount"), path + "/ram:ActualAmount")
        out.reasonCode = ac.text(.ram, "ReasonCode")
        // An empty reason element is there for the official rules (BR-33, BR-38, BR-42, BR-44: `exists(…)`): kept as "".
        out.reason = ac.text(.ram, "Reason") ?? (ac.first(.ram, "Reason") != nil ? "" : nil)
        if documentLevel, let tax = ac.first(.ram, "CategoryTradeTax") {
            out.vatCategoryCode = tax.text(.ram, "CategoryCode")
            out.vatRate = fields.amount(tax.first(.ram, "RateApplicablePercent"), path + "/ram:CategoryTradeTax/ram:RateApplicablePercent")
        }
        return out
    }
}
