import BilagCore

/// What a CII document writes that the official rules judge as written and the canonical model reads tolerantly:
/// VAT category codes with whitespace around them, billing periods whose dates lack `format="102"`.
enum CIIWritten {
    /// Category codes written with whitespace around them, by where the model keeps them (line, document-level
    /// allowance or charge, VAT breakdown, in document order), with the text as written.
    static func paddedCategoryCodes(_ tx: XMLElement) -> [LexicalFacts.WrittenCode] {
        var out: [LexicalFacts.WrittenCode] = []
        func check(_ tax: XMLElement?, _ place: LexicalFacts.WrittenCode.Place, _ index: Int) {
            guard let code = tax?.first(.ram, "CategoryCode"), let raw = code.text, raw != code.trimmedText else { return }
            out.append(.init(place: place, index: index, written: raw))
        }
        for (i, line) in tx.all(.ram, "IncludedSupplyChainTradeLineItem").enumerated() {
            check(line.first(.ram, "SpecifiedLineTradeSettlement")?.first(.ram, "ApplicableTradeTax"), .line, i)
        }
        if let s = tx.first(.ram, "ApplicableHeaderTradeSettlement") {
            for (i, ac) in s.all(.ram, "SpecifiedTradeAllowanceCharge").enumerated() { check(ac.first(.ram, "CategoryTradeTax"), .allowanceCharge, i) }
            for (i, tax) in s.all(.ram, "ApplicableTradeTax").enumerated() { check(tax, .breakdown, i) }
        }
        return out
    }

    /// BR-29 (the document's) and BR-30 (a line's) billing period: `EndDateTime/DateTimeString[@format = '102'] >=
    /// StartDateTime/DateTimeString[@format = '102']` is false when either date lacks format 102 and both exist.
    static func periodsWithoutFormat102(_ tx: XMLElement) -> [LexicalFacts.Finding] {
        var out: [LexicalFacts.Finding] = []
        func check(_ period: XMLElement?, _ rule: String, _ path: String) {
            guard let period, let start = period.first(.ram, "StartDateTime"), let end = period.first(.ram, "EndDateTime") else { return }
            func written102(_ e: XMLElement) -> [String] { e.all(.udt, "DateTimeString").filter { $0.rawAttribute("format") == "102" }.map { $0.text ?? "" } }
            let starts = written102(start), ends = written102(end)
            // Untyped values compared as strings, as written: ` 20200131 ` sorts before `20200101`.
            if !ends.contains(where: { e in starts.contains { s in Array(e.utf8).lexicographicallyPrecedes(Array(s.utf8)) == false } }) {
                out.append(.init(path: path, rule: rule))
            }
        }
        check(tx.first(.ram, "ApplicableHeaderTradeSettlement")?.first(.ram, "BillingSpecifiedPeriod"), "BR-29", "ram:BillingSpecifiedPeriod")
        for line in tx.all(.ram, "IncludedSupplyChainTradeLineItem") {
            check(line.first(.ram, "SpecifiedLineTradeSettlement")?.first(.ram, "BillingSpecifiedPeriod"), "BR-30", "ram:IncludedSupplyChainTradeLineItem/ram:BillingSpecifiedPeriod")
        }
        return out
    }
}

/// The fatal CII syntax rules that count elements as written (`CII-SR-*`), found while parsing: the canonical
/// model keeps one of each and cannot tell. Stated on the contexts the EN 16931 CII Schematron names.
enum CIISyntaxCounts {
    static func findings(_ root: XMLElement, _ tx: XMLElement?) -> [LexicalFacts.Finding] {
        var out: [LexicalFacts.Finding] = []
        func fail(_ rule: String, _ path: String) { out.append(.init(path: path, rule: rule)) }
        func count(_ e: XMLElement?, _ a: StaticString, _ b: StaticString? = nil) -> Int {
            guard let e else { return 0 }
            let first = e.all(.ram, a)
            guard let b else { return first.count }
            return first.reduce(0) { $0 + $1.all(.ram, b).count }
        }
        if let context = root.first(.ciiRoot, "ExchangedDocumentContext") {
            if count(context, "GuidelineSpecifiedDocumentContextParameter") != 1 { fail("CII-SR-009", "rsm:ExchangedDocumentContext") }
            if count(context, "GuidelineSpecifiedDocumentContextParameter", "ID") != 1 { fail("CII-SR-010", "rsm:ExchangedDocumentContext") }
        }
        if let header = root.first(.ciiRoot, "ExchangedDocument"), count(header, "TypeCode") != 1 { fail("CII-SR-014", "rsm:ExchangedDocument") }
        guard let tx else { return out }
        for line in tx.all(.ram, "IncludedSupplyChainTradeLineItem") {
            for product in line.all(.ram, "SpecifiedTradeProduct") {
                if let global = product.first(.ram, "GlobalID"), global.rawAttribute("schemeID") == nil { fail("CII-SR-046", "ram:SpecifiedTradeProduct/ram:GlobalID") }
                if product.first(.ram, "OriginTradeCountry") != nil, count(product, "OriginTradeCountry", "ID") != 1 { fail("CII-SR-090", "ram:OriginTradeCountry") }
                for c in product.all(.ram, "ApplicableProductCharacteristic") {
                    if count(c, "Description") != 1 { fail("CII-SR-069", "ram:ApplicableProductCharacteristic") }
                    if count(c, "Value") != 1 { fail("CII-SR-072", "ram:ApplicableProductCharacteristic") }
                }
            }
            for agreement in line.all(.ram, "SpecifiedLineTradeAgreement") {
                let net = count(agreement, "NetPriceProductTradePrice", "ChargeAmount")
                if net != 1 { fail("CII-SR-439", "ram:SpecifiedLineTradeAgreement") }
                if net > 1 { fail("CII-SR-441", "ram:SpecifiedLineTradeAgreement") }
                for gross in agreement.all(.ram, "GrossPriceProductTradePrice") {
                    for ac in gross.all(.ram, "AppliedTradeAllowanceCharge") where count(ac, "ActualAmount") > 1 { fail("CII-SR-440", "ram:AppliedTradeAllowanceCharge") }
                }
            }
        }
        if let agreement = tx.first(.ram, "ApplicableHeaderTradeAgreement") {
            if count(agreement, "SellerTradeParty", "DefinedTradeContact") > 1 { fail("CII-SR-455", "ram:SellerTradeParty") }
            if count(agreement, "BuyerTradeParty", "DefinedTradeContact") > 1 { fail("CII-SR-456", "ram:BuyerTradeParty") }
            if count(agreement, "SellerTradeParty", "URIUniversalCommunication") > 1 { fail("CII-SR-459", "ram:SellerTradeParty") }
            if count(agreement, "BuyerTradeParty", "URIUniversalCommunication") > 1 { fail("CII-SR-460", "ram:BuyerTradeParty") }
        }
        // Elements the XML Schema allows once whose repetition stops the official rules (a sequence where one value
        // is expected): the invoice currency, a party's address, a line's product, a VAT breakdown's tax amount.
        func repeated(_ e: XMLElement?, _ local: StaticString, _ path: String) {
            if let e, e.all(.ram, local).count > 1 { out.append(.init(path: path, rule: LexicalFacts.repeated)) }
        }
        // Also what the rules read as one value: the document's type code and issue date, the parties and their
        // country, every document total (BR-DEC-09…18), each breakdown's amounts, type code and rate, each
        // allowance's or charge's amounts, each line's totals, each payment means type code.
        if let doc = root.first(.ciiRoot, "ExchangedDocument") {
            repeated(doc, "TypeCode", "rsm:ExchangedDocument/ram:TypeCode")
            repeated(doc, "IssueDateTime", "rsm:ExchangedDocument/ram:IssueDateTime")
        }
        if let agreement = tx.first(.ram, "ApplicableHeaderTradeAgreement") {
            for party: StaticString in ["SellerTradeParty", "BuyerTradeParty"] {
                repeated(agreement, party, "ram:\(party)")
                repeated(agreement.first(.ram, party), "PostalTradeAddress", "ram:\(party)/ram:PostalTradeAddress")
                repeated(agreement.first(.ram, party)?.first(.ram, "PostalTradeAddress"), "CountryID", "ram:\(party)/ram:PostalTradeAddress/ram:CountryID")
            }
        }
        if let s = tx.first(.ram, "ApplicableHeaderTradeSettlement") {
            for sum in s.all(.ram, "SpecifiedTradeSettlementHeaderMonetarySummation") {
                for name: StaticString in ["LineTotalAmount", "ChargeTotalAmount", "AllowanceTotalAmount", "TaxBasisTotalAmount", "GrandTotalAmount",
                                           "TotalPrepaidAmount", "RoundingAmount", "DuePayableAmount"] {
                    repeated(sum, name, "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:\(name)")
                }
            }
            for t in s.all(.ram, "ApplicableTradeTax") {
                for name: StaticString in ["TypeCode", "RateApplicablePercent"] { repeated(t, name, "ram:ApplicableTradeTax/ram:\(name)") }
                // Read as one value by BR-DEC-19/20, in the generic context a category O, L or M never reaches.
                if !["O", "L", "M"].contains(t.first(.ram, "CategoryCode")?.text ?? "") { repeated(t, "BasisAmount", "ram:ApplicableTradeTax/ram:BasisAmount") }
            }
            for means in s.all(.ram, "SpecifiedTradeSettlementPaymentMeans") { repeated(means, "TypeCode", "ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") }
            for ac in s.all(.ram, "SpecifiedTradeAllowanceCharge") {
                for name: StaticString in ["ActualAmount", "BasisAmount"] { repeated(ac, name, "ram:SpecifiedTradeAllowanceCharge/ram:\(name)") }
                for t in ac.all(.ram, "CategoryTradeTax") {
                    for name: StaticString in ["TypeCode", "RateApplicablePercent"] { repeated(t, name, "ram:SpecifiedTradeAllowanceCharge/ram:CategoryTradeTax/ram:\(name)") }
                }
            }
        }
        if let shipTo = tx.first(.ram, "ApplicableHeaderTradeDelivery")?.first(.ram, "ShipToTradeParty") {
            repeated(shipTo.first(.ram, "PostalTradeAddress"), "CountryID", "ram:ShipToTradeParty/ram:PostalTradeAddress/ram:CountryID")
        }
        for line in tx.all(.ram, "IncludedSupplyChainTradeLineItem") {
            let settlement = line.first(.ram, "SpecifiedLineTradeSettlement")
            repeated(settlement, "SpecifiedTradeSettlementLineMonetarySummation", "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation")
            repeated(settlement?.first(.ram, "SpecifiedTradeSettlementLineMonetarySummation"), "LineTotalAmount", "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount")
            for ac in settlement?.all(.ram, "SpecifiedTradeAllowanceCharge") ?? [] {
                for name: StaticString in ["ActualAmount", "BasisAmount"] { repeated(ac, name, "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge/ram:\(name)") }
            }
            for t in settlement?.all(.ram, "ApplicableTradeTax") ?? [] {
                for name: StaticString in ["TypeCode", "RateApplicablePercent"] { repeated(t, name, "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:\(name)") }
            }
            repeated(line, "SpecifiedTradeProduct", "ram:SpecifiedTradeProduct")
            // PEPPOL-EN16931-R120 reads the line's quantity as one value (the EN 16931 rules do not stop on it).
            if let delivery = line.first(.ram, "SpecifiedLineTradeDelivery"), delivery.all(.ram, "BilledQuantity").count > 1 {
                out.append(.init(path: "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", rule: LexicalFacts.repeatedPeppol))
            }
            // BR-CO-04 reads `ApplicableTradeTax[upper-case(ram:TypeCode) = 'VAT']/ram:CategoryCode`: a category on a
            // tax without the VAT type code is none (the model reads it; bilag's own BR-CO-04 covers no category).
            let taxes = line.first(.ram, "SpecifiedLineTradeSettlement")?.all(.ram, "ApplicableTradeTax") ?? []
            let vat = taxes.contains { t in t.first(.ram, "CategoryCode") != nil && t.all(.ram, "TypeCode").contains { ($0.text ?? "").uppercased() == "VAT" } }
            if !vat, taxes.contains(where: { $0.first(.ram, "CategoryCode") != nil }) {
                fail("BR-CO-04", "ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax")
            }
        }
        if let s = tx.first(.ram, "ApplicableHeaderTradeSettlement") {
            repeated(s, "InvoiceCurrencyCode", "ram:InvoiceCurrencyCode")
            for t in s.all(.ram, "ApplicableTradeTax") where !["O", "L", "M"].contains(t.first(.ram, "CategoryCode")?.text ?? "") {
                repeated(t, "CalculatedAmount", "ram:ApplicableTradeTax/ram:CalculatedAmount")
            }
            let taxes = s.all(.ram, "ApplicableTradeTax")
            if count(s, "ApplicableTradeTax", "TaxPointDate") > 1 { fail("CII-SR-461", "ram:ApplicableTradeTax/ram:TaxPointDate") }
            if count(s, "PaymentReference") > 1 { fail("CII-SR-469", "ram:ApplicableHeaderTradeSettlement/ram:PaymentReference") }
            // CII-SR-463 on `//ram:SpecifiedTradeAllowanceCharge`: the document's and the lines'.
            let lineCharges = tx.all(.ram, "IncludedSupplyChainTradeLineItem").flatMap { $0.first(.ram, "SpecifiedLineTradeSettlement")?.all(.ram, "SpecifiedTradeAllowanceCharge") ?? [] }
            if (s.all(.ram, "SpecifiedTradeAllowanceCharge") + lineCharges).contains(where: { $0.first(.ram, "ChargeIndicator") == nil }) {
                fail("CII-SR-463", "ram:SpecifiedTradeAllowanceCharge")
            }
            // CII-SR-462 reads every `//ram:ApplicableTradeTax/ram:DueDateTypeCode`: lines' taxes too.
            var dueCodes: Set<String> = []
            for t in taxes { for d in t.all(.ram, "DueDateTypeCode") { dueCodes.insert(d.text ?? "") } }
            for line in tx.all(.ram, "IncludedSupplyChainTradeLineItem") {
                for t in line.first(.ram, "SpecifiedLineTradeSettlement")?.all(.ram, "ApplicableTradeTax") ?? [] {
                    for d in t.all(.ram, "DueDateTypeCode") { dueCodes.insert(d.text ?? "") }
                }
            }
            if dueCodes.count > 1 { fail("CII-SR-462", "ram:ApplicableTradeTax/ram:DueDateTypeCode") }
            // CII-SR-470: a credit transfer (30, 58, normalised) names the payee's IBAN or proprietary id.
            for pm in s.all(.ram, "SpecifiedTradeSettlementPaymentMeans") {
                let code = pm.all(.ram, "TypeCode").map { ($0.text ?? "").xpathNormalizedSpace }
                guard code.contains("30") || code.contains("58") else { continue }
                let accounts = pm.all(.ram, "PayeePartyCreditorFinancialAccount")
                if !accounts.contains(where: { $0.first(.ram, "IBANID") != nil || $0.first(.ram, "ProprietaryID") != nil }) {
                    fail("CII-SR-470", "ram:SpecifiedTradeSettlementPaymentMeans")
                }
            }
        }
        return out
    }
}
