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
            func has102(_ e: XMLElement) -> Bool { e.all(.udt, "DateTimeString").contains { $0.rawAttribute("format") == "102" } }
            if !has102(start) || !has102(end) { out.append(.init(path: path, rule: rule)) }
        }
        check(tx.first(.ram, "ApplicableHeaderTradeSettlement")?.first(.ram, "BillingSpecifiedPeriod"), "BR-29", "ram:BillingSpecifiedPeriod")
        for line in tx.all(.ram, "IncludedSupplyChainTradeLineItem") {
            check(line.first(.ram, "SpecifiedLineTradeSettlement")?.first(.ram, "BillingSpecifiedPeriod"), "BR-30", "ram:IncludedSupplyChainTradeLineItem/ram:BillingSpecifiedPeriod")
        }
        return out
    }
}
