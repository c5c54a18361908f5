import BilagCore

/// One pass over the document's elements that gathers `LexicalFacts`: what the official rules judge as written
/// (empty elements, padded amounts, each amount's `currencyID`, the lexical form of dates, CII tax type codes).
/// Reads bytes and builds strings only for what it records, so a clean document costs a walk over the node array.
struct LexicalScan {
    let tree: XMLTree.View
    let cii: Bool
    /// OIOUBL: `facts.oioubl` is gathered (asked here, not of the optional, which copies the sums at each element).
    let oioubl: Bool
    var facts = LexicalFacts()
    /// The document currency code as written (UBL `cbc:DocumentCurrencyCode`).
    var documentCurrency: String?
    /// The elements from the root down to the one being read.
    var stack: [Int32] = []
    /// OIOUBL: the line being read (its amount, whether it is free of charge).
    var lineAmount: Amount?
    var lineFree = false
    /// The `currencyID` last added to `facts.amountCurrencyIDs`.
    var lastAmountCurrency: String?

    static let maxRecorded = 8

    static func scan(root: XMLElement, cii: Bool, oioubl: Bool = false) -> LexicalFacts {
        var s = LexicalScan(tree: root.tree, cii: cii, oioubl: oioubl)
        if oioubl { s.facts.oioubl = LexicalFacts.OIOUBLSums() }
        s.facts.root = root.name
        if !cii {
            s.documentCurrency = root.first(.cbc, "DocumentCurrencyCode").map { $0.text ?? "" }
            s.facts.taxCurrencyCodeWritten = root.first(.cbc, "TaxCurrencyCode") != nil
            for total in root.all(.cac, "TaxTotal") {
                if total.first(.cac, "TaxSubtotal") != nil { s.facts.ublTaxTotalsWithSubtotals += 1 } else { s.facts.ublTaxTotalsWithoutSubtotals += 1 }
            }
        }
        if cii {
            let settlement = root.first(.ciiRoot, "SupplyChainTradeTransaction")?.first(.ram, "ApplicableHeaderTradeSettlement")
            s.documentCurrency = settlement?.first(.ram, "InvoiceCurrencyCode").map { $0.text ?? "" }
            s.facts.taxCurrencyCodeWritten = settlement?.first(.ram, "TaxCurrencyCode") != nil
            let d = root.first(.ciiRoot, "ExchangedDocument")?.first(.ram, "IssueDateTime")?.first(.udt, "DateTimeString")
            s.facts.issueDateHasFormat102 = d?.rawAttribute("format") == "102"
        }
        s.walk(root.index)
        return s.facts
    }

    mutating func walk(_ index: Int32) {
        stack.append(index)
        defer { stack.removeLast() }
        let n = tree.nodes[Int(index)]
        let hasChildren = n.firstChild >= 0
        if !hasChildren {
            leaf(index, n)
        } else if cii, n.namespace == Namespace.ram.rawValue + 1, endsWith(n, "TradeTax") {
            let e = XMLElement(tree: tree, index: index)
            if let t = e.first(.ram, "TypeCode"), t.text != "VAT", facts.nonVATTaxTypeCodes.count < Self.maxRecorded {
                facts.nonVATTaxTypeCodes.append(t.text ?? "")
            }
        }
        let isUBLLine = !cii && stack.count == 2 && (name(n, is: "InvoiceLine") || name(n, is: "CreditNoteLine"))
        if isUBLLine { baseQuantityUnit(XMLElement(tree: tree, index: index)) }
        let isLine = oioubl && isUBLLine
        if isLine { lineAmount = nil; lineFree = false }
        var prices = 0
        var c = n.firstChild
        while c >= 0 {
            if isLine, name(tree.nodes[Int(c)], is: "Price") { prices += 1 }
            walk(c)
            c = tree.nodes[Int(c)].nextSibling
        }
        if isLine, !lineFree, let a = lineAmount { facts.oioubl?.chargeableLineSum += a }
        if isLine, prices != 1 { facts.oioubl?.linesWithoutOnePrice += 1 }
    }

    /// PEPPOL-EN16931-R130 on `cac:Price/cbc:BaseQuantity[@unitCode]`: `@unitCode = $quantity/@unitCode`, as written.
    mutating func baseQuantityUnit(_ line: XMLElement) {
        guard let unit = line.first(.cac, "Price")?.first(.cbc, "BaseQuantity")?.rawAttribute("unitCode"),
              let quantity = line.first(.cbc, "InvoicedQuantity") ?? line.first(.cbc, "CreditedQuantity") else { return }
        if quantity.rawAttribute("unitCode") != unit { facts.syntax.append(.init(path: path(), rule: "PEPPOL-EN16931-R130")) }
    }

    @inline(__always)
    func name(_ n: XMLTree.Node, is local: StaticString) -> Bool { tree.equals(n.nameStart, Int(n.nameLength), local) }

    /// The element `up` levels above the one being read is named `local`.
    ///
    /// This and the other helpers the mutating readers call are inlined: a call of a method of `self` from a mutating
    /// one passes a copy of the whole scan (some 460 bytes, a `memcpy` at each call, a few at every leaf).
    @inline(__always)
    func ancestor(_ up: Int, is local: StaticString) -> Bool {
        guard stack.count > up else { return false }
        return name(tree.nodes[Int(stack[stack.count - 1 - up])], is: local)
    }

    /// OIOUBL sums and the "exactly two decimals" rules, for a UBL leaf.
    /// The text (`e.text`, `e.trimmedText`) is read only in the branches whose rules need it: most leaves need none.
    mutating func oioublLeaf(_ e: XMLElement, _ n: XMLTree.Node) {
        let depth = stack.count
        if name(n, is: "IdentificationCode"), ancestor(1, is: "Country"),
           ancestor(2, is: "PostalAddress") || ancestor(2, is: "Address") || ancestor(2, is: "OriginAddress") {
            let code = LexicalFacts.Finding(path: path(), rule: e.text ?? "")
            facts.oioubl?.countryCodes.append(code)
            return
        }
        if (depth == 3 && (name(n, is: "InvoicedQuantity") || name(n, is: "CreditedQuantity")))
            || (depth == 4 && name(n, is: "BaseQuantity") && ancestor(1, is: "Price")) {
            let code = LexicalFacts.Finding(path: path(), rule: e.rawAttribute("unitCode") ?? "")
            facts.oioubl?.unitCodes.append(code)
        }
        if depth == 3, ancestor(1, is: "InvoiceLine") || ancestor(1, is: "CreditNoteLine") {
            if name(n, is: "LineExtensionAmount") { lineAmount = e.trimmedText.flatMap { Amount(parsing: $0) } }
            if name(n, is: "FreeOfChargeIndicator") { lineFree = e.text != "false" }
            return
        }
        var rule: String?
        if depth == 3, ancestor(1, is: "LegalMonetaryTotal") || ancestor(1, is: "PrepaidPayment"), endsWith(n, "Amount") {
            rule = "F-LIB014"
            if name(n, is: "TaxExclusiveAmount") { facts.oioubl?.taxExclusiveAmount = e.trimmedText.flatMap { Amount(parsing: $0) } }
        } else if ancestor(1, is: "TaxSubtotal"), ancestor(2, is: "TaxTotal"),
                  depth == 4 || (depth == 5 && (ancestor(3, is: "InvoiceLine") || ancestor(3, is: "CreditNoteLine"))) {
            // F-LIB250/F-LIB261 are stated on the written tree (a TaxAmount left out fails them too).
            if depth == 4, name(n, is: "TaxAmount"), let a = e.trimmedText.flatMap({ Amount(parsing: $0) }) { facts.oioubl?.taxSubtotalSum += a }
        }
        if let rule, Self.writtenDecimals(e.text ?? "") != 2, (facts.oioubl?.notTwoDecimals.count ?? 0) < Self.maxRecorded {
            let finding = LexicalFacts.Finding(path: path(), rule: rule)
            facts.oioubl?.notTwoDecimals.append(finding)
        }
    }

    /// `string-length(substring-after(., '.'))`: the characters after the first point, trailing whitespace included.
    static func writtenDecimals(_ raw: String) -> Int {
        guard let dot = raw.utf8.firstIndex(of: 0x2E) else { return 0 }
        return raw.utf8.distance(from: raw.utf8.index(after: dot), to: raw.utf8.endIndex)
    }

    mutating func leaf(_ index: Int32, _ n: XMLTree.Node) {
        let e = XMLElement(tree: tree, index: index)
        // Built only for the leaves whose text a rule reads (amounts, dates, codes): most leaves are only walked.
        lazy var raw = e.text
        lazy var trimmed = e.trimmedText
        let ns = n.namespace
        if e.isBlank {
            if facts.emptyElements.count < Self.maxRecorded { facts.emptyElements.append(path()) }
            if cii, ns == Namespace.ram.rawValue + 1, let scheme = e.rawAttribute("schemeID"),
               name(n, is: "ID") || name(n, is: "GlobalID") || name(n, is: "URIID"), facts.ciiEmptySchemedIDs.count < Self.maxRecorded {
                facts.ciiEmptySchemedIDs.append(.init(path: path(), scheme: scheme))
            }
        }
        if oioubl, ns == Namespace.cbc.rawValue + 1 { oioublLeaf(e, n) }
        if endsWith(n, "Amount") && (ns == Namespace.cbc.rawValue + 1 || ns == Namespace.ram.rawValue + 1) {
            if let raw, let trimmed, raw.utf8.count != trimmed.utf8.count {
                let fraction = Self.writtenDecimals(raw)
                if fraction > 2 { facts.paddedAmounts.append(.init(path: path(), fractionLength: fraction, rule: cii ? ciiAllowanceChargeDecimalRule(n) ?? ciiBreakdownWithOwnContext() : nil)) }
            }
            // Saxon reads `-0` as an integer (a plain 0) but `-0.00` as the double −0.0, which it compares as negative.
            if let trimmed, trimmed.utf8.first == 0x2D, trimmed.utf8.dropFirst().allSatisfy({ $0 == 0x30 || $0 == 0x2E }),
               trimmed.utf8.contains(0x30), trimmed.utf8.contains(0x2E), facts.negativeZeroAmounts.count < Self.maxRecorded {
                facts.negativeZeroAmounts.append(path())
            }
            if cii, let id = e.rawAttribute("currencyID") {
                noteAmountCurrency(id)
            }
            if !cii {
                if Self.r051Amount(tree, n) {
                    noteAmountCurrency(e.rawAttribute("currencyID") ?? "")
                }
                currency(e, n)
            } else if tree.equals(n.nameStart, Int(n.nameLength), "TaxTotalAmount"), let doc = documentCurrency, let id = e.rawAttribute("currencyID"),
                      stack.count >= 2, tree.equals(tree.nodes[Int(stack[stack.count - 2])].nameStart, Int(tree.nodes[Int(stack[stack.count - 2])].nameLength), "SpecifiedTradeSettlementHeaderMonetarySummation") {
                if id == doc { facts.taxTotalsInDocumentCurrency += 1 } else { facts.ciiTaxTotalsInOtherCurrency += 1 }
            }
            return
        }
        if !cii, ns == Namespace.cbc.rawValue + 1, tree.equals(n.nameStart, Int(n.nameLength), "EndpointID"), let scheme = e.rawAttribute("schemeID") {
            facts.endpointSchemeIDs.append(scheme)
        }
        if !cii, ns == Namespace.cbc.rawValue + 1, tree.equals(n.nameStart, Int(n.nameLength), "PaymentID") {
            facts.paymentIDs.insert(raw ?? "")
        }
        if !cii, ns == Namespace.cbc.rawValue + 1, tree.equals(n.nameStart, Int(n.nameLength), "PaymentMeansCode") {
            facts.paymentMeansCodes.insert(raw ?? "")
        }
        if !cii, ns == Namespace.cbc.rawValue + 1, isUBLDate(n) {
            // PEPPOL-EN16931-F001: string-length(text()) = 10 and castable as xs:date.
            if !Self.isPlainDate(raw ?? "") { facts.badDates.append(.init(path: path(), rule: "PEPPOL-EN16931-F001")) }
            return
        }
        if cii, ns == Namespace.udt.rawValue + 1, tree.equals(n.nameStart, Int(n.nameLength), "DateTimeString") {
            let format = e.rawAttribute("format")
            let text = raw ?? ""
            let stripped = text.trimmingXMLWhitespace()
            if format?.trimmingXMLWhitespace() != "102" || text.utf8.count != 8 || !Self.digits(stripped, prefix20: true) {
                facts.badDates.append(.init(path: path(), rule: "PEPPOL-EN16931-F001"))
            }
            if format == "102", !Self.isCompactDate(stripped) {
                facts.badDates.append(.init(path: path(), rule: "CII-DT-097"))
            }
        }
    }

    /// Adds an amount's `currencyID` to the set; the set is not hashed again for the one the amount before had
    /// (nearly every amount of a document has the same).
    @inline(__always)
    mutating func noteAmountCurrency(_ id: String) {
        if id == lastAmountCurrency { return }
        facts.amountCurrencyIDs.insert(id)
        lastAmountCurrency = id
    }

    /// "" (no BR-DEC rule) for an amount of a CII VAT breakdown of category O, L or M: BR-DEC-19/20 are stated in
    /// the generic `ApplicableTradeTax` context, which the category's own context takes first.
    func ciiBreakdownWithOwnContext() -> String? {
        guard ancestor(1, is: "ApplicableTradeTax"), stack.count >= 2 else { return nil }
        let tax = XMLElement(tree: tree, index: stack[stack.count - 2])
        return ["O", "L", "M"].contains(tax.first(.ram, "CategoryCode")?.text ?? "") ? "" : nil
    }

    /// The BR-DEC rule of a CII allowance or charge amount (`ram:SpecifiedTradeAllowanceCharge`): by its level and
    /// its `ChargeIndicator/Indicator` as written — document level BR-DEC-01/02 (allowance), 05/06 (charge); line
    /// level BR-DEC-24/25, 27/28 (amount/base amount).
    func ciiAllowanceChargeDecimalRule(_ n: XMLTree.Node) -> String? {
        guard ancestor(1, is: "SpecifiedTradeAllowanceCharge") else { return nil }
        let ac = XMLElement(tree: tree, index: stack[stack.count - 2])
        let charge = ac.first(.ram, "ChargeIndicator")?.first(.udt, "Indicator")?.text == "true"
        let base = name(n, is: "BasisAmount")
        guard base || name(n, is: "ActualAmount") else { return nil }
        if ancestor(2, is: "SpecifiedLineTradeSettlement") { return charge ? (base ? "BR-DEC-28" : "BR-DEC-27") : (base ? "BR-DEC-25" : "BR-DEC-24") }
        return charge ? (base ? "BR-DEC-06" : "BR-DEC-05") : (base ? "BR-DEC-02" : "BR-DEC-01")
    }

    /// PEPPOL-EN16931-R051's amounts and BR-CO-15's count of VAT totals in the document currency.
    mutating func currency(_ e: XMLElement, _ n: XMLTree.Node) {
        let parent = stack.count >= 2 ? tree.nodes[Int(stack[stack.count - 2])] : n
        let isTaxAmount = tree.equals(n.nameStart, Int(n.nameLength), "TaxAmount")
        let parentIsTaxTotal = isTaxAmount && tree.equals(parent.nameStart, Int(parent.nameLength), "TaxTotal")
        let currencyID = e.rawAttribute("currencyID")
        if parentIsTaxTotal, stack.count == 3, let doc = documentCurrency, currencyID == doc { facts.taxTotalsInDocumentCurrency += 1 }
        guard Self.r051Amount(tree, n) else { return }
        if parentIsTaxTotal {
            // Only the TaxTotal with subtotals (BT-110); the one in the accounting currency (BT-111) is exempt.
            let taxTotal = XMLElement(tree: tree, index: stack[stack.count - 2])
            if taxTotal.first(.cac, "TaxSubtotal") == nil { return }
        }
        if currencyID == nil || currencyID != documentCurrency, facts.foreignCurrencyAmounts.count < Self.maxRecorded {
            facts.foreignCurrencyAmounts.append(path())
        }
    }

    static func r051Amount(_ tree: XMLTree.View, _ n: XMLTree.Node) -> Bool {
        let s = Int(n.nameStart), l = Int(n.nameLength)
        return tree.equals(Int32(s), l, "Amount") || tree.equals(Int32(s), l, "BaseAmount") || tree.equals(Int32(s), l, "PriceAmount")
            || tree.equals(Int32(s), l, "TaxAmount") || tree.equals(Int32(s), l, "TaxableAmount") || tree.equals(Int32(s), l, "LineExtensionAmount")
            || tree.equals(Int32(s), l, "TaxExclusiveAmount") || tree.equals(Int32(s), l, "TaxInclusiveAmount") || tree.equals(Int32(s), l, "AllowanceTotalAmount")
            || tree.equals(Int32(s), l, "ChargeTotalAmount") || tree.equals(Int32(s), l, "PrepaidAmount") || tree.equals(Int32(s), l, "PayableRoundingAmount")
            || tree.equals(Int32(s), l, "PayableAmount")
    }

    @inline(__always)
    func isUBLDate(_ n: XMLTree.Node) -> Bool {
        let s = n.nameStart, l = Int(n.nameLength)
        return tree.equals(s, l, "IssueDate") || tree.equals(s, l, "DueDate") || tree.equals(s, l, "TaxPointDate")
            || tree.equals(s, l, "StartDate") || tree.equals(s, l, "EndDate") || tree.equals(s, l, "ActualDeliveryDate")
    }

    @inline(__always)
    func endsWith(_ n: XMLTree.Node, _ suffix: StaticString) -> Bool {
        let l = Int(n.nameLength), k = suffix.utf8CodeUnitCount
        guard l >= k else { return false }
        return tree.equals(n.nameStart + Int32(l - k), k, suffix)
    }

    /// The element path from the root, prefixes left out: `Invoice/LegalMonetaryTotal/PayableAmount`.
    func path() -> String {
        stack.map { tree.string(tree.nodes[Int($0)].nameStart, Int32(tree.nodes[Int($0)].nameLength)) }.joined(separator: "/")
    }

    /// `YYYY-MM-DD`, exactly ten characters, a real calendar date (`castable as xs:date` without a zone).
    static func isPlainDate(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return false }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { let d = b[i] &- 48; guard d <= 9 else { return nil }; v = v * 10 + Int(d) }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) else { return false }
        return validDay(y, m, d)
    }

    /// `YYYYMMDD` with month 01–12 and day 01–31 (the CII-DT-097 pattern; it does not check the month's length).
    static func isCompactDate(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 8, b.allSatisfy({ $0 &- 48 <= 9 }) else { return false }
        let m = Int(b[4] - 48) * 10 + Int(b[5] - 48), d = Int(b[6] - 48) * 10 + Int(b[7] - 48)
        return (1...12).contains(m) && (1...31).contains(d)
    }

    static func digits(_ s: String, prefix20: Bool) -> Bool {
        let b = Array(s.utf8)
        guard b.count >= 8 else { return false }
        // matches(., '20[0-9]{6}') is unanchored: somewhere "20" and six digits.
        var i = 0
        while i + 8 <= b.count {
            if b[i] == 0x32, b[i + 1] == 0x30, b[(i + 2)..<(i + 8)].allSatisfy({ $0 &- 48 <= 9 }) { return true }
            i += 1
        }
        return false
    }

    static func validDay(_ y: Int, _ m: Int, _ d: Int) -> Bool {
        guard (1...12).contains(m), d >= 1 else { return false }
        let days = [31, (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return d <= days[m - 1]
    }
}

