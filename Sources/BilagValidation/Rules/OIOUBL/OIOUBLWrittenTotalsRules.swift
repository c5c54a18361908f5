import BilagCore

/// `format-number(x, '##.00')` as the OIOUBL Schematron compares totals with it: NaN for what is no number, else
/// the value rounded to cents with its sign, a negative zero included (`-0.00`, or a sum of only `-0.00`, formats
/// as `-.00` and so differs from `0.00`).
struct XPathCents: Equatable {
    let cents: Exact?
    let negative: Bool

    static func == (a: XPathCents, b: XPathCents) -> Bool {
        guard let x = a.cents, let y = b.cents else { return false }
        return x == y && a.negative == b.negative
    }

    static let nan = XPathCents(cents: nil, negative: false)

    /// The two `format-number` strings compared as strings, as the rules compare them: `NaN` equals `NaN`.
    static func sameText(_ a: XPathCents, _ b: XPathCents) -> Bool {
        (a.cents == nil && b.cents == nil) || a == b
    }
    private init(cents: Exact?, negative: Bool) { self.cents = cents; self.negative = negative }

    /// The first child `name` of `e` as written ("" when there is none: NaN).
    init(_ e: WrittenElement, _ name: StaticString) {
        guard let c = e.child(name) else { self = .nan; return }
        let b = c.textBytes
        guard let v = OIOUBLWrittenMoney.exact(b) else { self = .nan; return }
        self.init(v, negativeZero: XPath.leadingMinus(b))
    }

    /// `sum(nodes)` of the elements `visit` hands out: NaN when one is no number; a negative zero only when every
    /// term is one.
    init(summing visit: ((WrittenElement) -> Void) -> Void) {
        var total = Exact.zero
        var any = false, allNegativeZero = true, nan = false
        visit { e in
            guard !nan else { return }
            let b = e.textBytes
            guard let v = OIOUBLWrittenMoney.exact(b) else { nan = true; return }
            total += v
            any = true
            allNegativeZero = allNegativeZero && v == .zero && XPath.leadingMinus(b)
        }
        if nan { self = .nan; return }
        self.init(total, negativeZero: any && allNegativeZero)
    }

    init(_ value: Exact, negativeZero: Bool) {
        let r = Arith.xround(value)
        self.init(cents: r, negative: r < .zero || (r == .zero && (value < .zero || (value == .zero && negativeZero))))
    }
}

/// The OIOUBL totals rules that read the document as written (`cac:LegalMonetaryTotal`): totals present when what
/// they total is (F-INV122…125, F-CRN068/069/071), the prepaid and rounding sums (F-INV131, F-INV132/F-CRN078),
/// amounts that must not be negative (F-LIB013, F-LIB016, F-LIB375), and the order reference some profiles require
/// (F-INV002/F-CRN002).
enum OIOUBLWrittenTotalsRules {
    /// F-INV127/F-CRN073 on the document as written: `cbc:TaxExclusiveAmount and not(format-number(cbc:TaxExclusiveAmount)
    /// = format-number(sum(../cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount)))`.
    static func taxExclusiveHolds(_ doc: WrittenElement) -> Bool {
        guard let total = OIOUBLPlaces.totals(doc).first, total.has("TaxExclusiveAmount") else { return true }
        return XPathCents(total, "TaxExclusiveAmount") == XPathCents { doc.forEach(["TaxTotal", "TaxSubtotal", "TaxAmount"], $0) }
    }

    /// `sum(path)` from `e` as XPath 1.0 computes it: nil (NaN) when one of the nodes is no number.
    static func sum(_ e: WrittenElement, _ path: [StaticString]) -> Exact? {
        var total: Exact? = .zero
        e.forEach(path) { n in
            guard let t = total else { return }
            total = OIOUBLWrittenMoney.exact(n.textBytes).map { t + $0 }
        }
        return total
    }

    /// `format-number(sum(cbc:LineExtensionAmount) + sum(../cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount) +
    /// sum(cbc:ChargeTotalAmount) − sum(cbc:AllowanceTotalAmount) [− sum(cbc:PrepaidAmount)] + sum(cbc:PayableRoundingAmount), '##.00')`
    /// on one `cac:LegalMonetaryTotal` as written: every element of a name counts (a repeated one twice).
    static func computedTotal(_ t: WrittenElement, _ doc: WrittenElement, prepaid: Bool) -> XPathCents {
        guard let lines = sum(t, ["LineExtensionAmount"]), let tax = sum(doc, ["TaxTotal", "TaxSubtotal", "TaxAmount"]),
              let charges = sum(t, ["ChargeTotalAmount"]), let allowances = sum(t, ["AllowanceTotalAmount"]),
              let paid = prepaid ? sum(t, ["PrepaidAmount"]) : .zero, let rounding = sum(t, ["PayableRoundingAmount"]) else { return .nan }
        return XPathCents(lines + tax + charges - allowances - paid + rounding, negativeZero: false)
    }

    /// F-INV129/F-CRN075 (allowances) and F-INV130/F-CRN076 (charges) as written: `cbc:AllowanceTotalAmount and
    /// not(format-number(cbc:AllowanceTotalAmount, '##.00') = format-number(sum(../cac:AllowanceCharge[cbc:ChargeIndicator
    /// = 'false']/cbc:Amount), '##.00'))`: an allowance whose indicator is written otherwise (`1`, none) is in neither sum.
    static func allowanceTotalHolds(_ doc: WrittenElement, charge: Bool) -> Bool {
        let name: StaticString = charge ? "ChargeTotalAmount" : "AllowanceTotalAmount"
        let totals = OIOUBLPlaces.totals(doc)
        guard totals.contains(where: { $0.has(name) }) else { return true }
        let indicator = charge ? "true" : "false"
        let amounts = XPathCents { v in
            for ac in OIOUBLPlaces.allowanceCharges(doc) where ac.eq("ChargeIndicator", indicator) { ac.forEach("Amount", v) }
        }
        return !totals.contains { t in t.has(name) && !XPathCents.sameText(XPathCents(t, name), amounts) }
    }

    /// F-INV128/F-CRN074 on each `cac:LegalMonetaryTotal` as written: `cbc:TaxInclusiveAmount and
    /// not(format-number(cbc:TaxInclusiveAmount, '##.00') = computedTotal)`.
    static func taxInclusiveHolds(_ doc: WrittenElement) -> Bool {
        !OIOUBLPlaces.totals(doc).contains { t in
            t.has("TaxInclusiveAmount") && !XPathCents.sameText(XPathCents(t, "TaxInclusiveAmount"), computedTotal(t, doc, prepaid: false))
        }
    }

    /// F-INV133/F-CRN079 on each `cac:LegalMonetaryTotal` as written: `format-number(sum(cbc:PayableAmount), '##.00')`
    /// equals the computed total, a zero total taken as `.00` (`$AlteredPayableSum`), so a written `-0.00` fails.
    static func payableHolds(_ doc: WrittenElement) -> Bool {
        !OIOUBLPlaces.totals(doc).contains { t in
            var total = computedTotal(t, doc, prepaid: true)
            if let cents = total.cents, cents == .zero { total = XPathCents(.zero, negativeZero: false) }
            let payable = XPathCents { t.forEach("PayableAmount", $0) }
            return !XPathCents.sameText(payable, total)
        }
    }

    /// `count(../cac:AllowanceCharge[cbc:ChargeIndicator = flag])`.
    static func hasAllowanceCharge(_ doc: WrittenElement, charge: Bool) -> Bool {
        OIOUBLPlaces.allowanceCharges(doc).contains { $0.eq("ChargeIndicator", charge ? "true" : "false") }
    }

    static func onTotal(_ invoiceID: String, _ creditNoteID: String?, _ message: String, _ broken: @escaping (WrittenElement, WrittenElement) -> Bool) -> [any Rule] {
        let body: (WrittenElement, inout [String]) -> Void = { doc, at in
            for t in OIOUBLPlaces.totals(doc) where broken(t, doc) { at.append("cac:LegalMonetaryTotal") }
        }
        guard let creditNoteID else { return [WrittenRule(invoiceID, .invoice, message, body)] }
        return WrittenRule.pair(invoiceID, creditNoteID, message, body)
    }

    /// `not(starts-with(., '-'))` on each of `names` in `cac:LegalMonetaryTotal`.
    static func notNegative(_ id: String, _ root: WrittenRule.Root, _ names: [StaticString], orZero: Bool = false, exempt: ((WrittenElement) -> Bool)? = nil) -> any Rule {
        WrittenRule(id, root, "Invalid amount: must not be negative\(orZero ? " or zero" : "")") { doc, at in
            if let exempt, exempt(doc) { return }
            for name in names {
                for t in OIOUBLPlaces.totals(doc) {
                    t.forEach(name) { e in
                        if XPath.negative(e.textBytes) || (orZero && XPath.number(e.textBytes) == 0) { at.append("cac:LegalMonetaryTotal/cbc:\(e.name)") }
                    }
                }
            }
        }
    }

    /// `$Simple`: the profiles that require an order reference.
    static let orderProfiles = ["Procurement-OrdSimR-BilSim-1.0", "Procurement-OrdAdv-BilSim-1.0",
                                "urn:www.nesubl.eu:profiles:profile7:ver1.0", "urn:www.nesubl.eu:profiles:profile7:ver2.0"]

    static let all: [any Rule] =
        onTotal("F-INV122", "F-CRN068", "AllowanceTotalAmount is mandatory when there is an allowance") { t, doc in
            hasAllowanceCharge(doc, charge: false) && !t.has("AllowanceTotalAmount")
        }
        + onTotal("F-INV123", "F-CRN069", "ChargeTotalAmount is mandatory when there is a charge") { t, doc in
            hasAllowanceCharge(doc, charge: true) && !t.has("ChargeTotalAmount")
        }
        + onTotal("F-INV124", nil, "PrepaidAmount is mandatory when there is a PrepaidPayment/PaidAmount") { t, doc in
            !t.has("PrepaidAmount") && doc.exists(["PrepaidPayment", "PaidAmount"])
        }
        + onTotal("F-INV125", "F-CRN071", "PayableRoundingAmount is mandatory when there is a TaxTotal/RoundingAmount") { t, doc in
            !t.has("PayableRoundingAmount") && doc.exists(["TaxTotal", "RoundingAmount"])
        }
        + onTotal("F-INV131", nil, "The sum of PrepaidPayment/PaidAmount elements must equal PrepaidAmount") { t, doc in
            t.has("PrepaidAmount") && XPathCents(t, "PrepaidAmount") != XPathCents { doc.forEach(["PrepaidPayment", "PaidAmount"], $0) }
        }
        + onTotal("F-INV132", "F-CRN078", "The sum of TaxTotal/RoundingAmount elements must equal PayableRoundingAmount") { t, doc in
            guard t.has("PayableRoundingAmount") else { return false }
            return doc.exists(["TaxTotal", "RoundingAmount"])
                && XPathCents(t, "PayableRoundingAmount") != XPathCents { doc.forEach(["TaxTotal", "RoundingAmount"], $0) }
        }
        + [
            notNegative("F-LIB013", .invoice, ["AllowanceTotalAmount", "ChargeTotalAmount", "PrepaidAmount"], orZero: true),
            WrittenRule("F-LIB013", .invoice, "Invalid PrepaidPayment/PaidAmount: must not be negative or zero") { doc, at in
                doc.forEach(["PrepaidPayment", "PaidAmount"]) { e in
                    if XPath.negative(e.textBytes) || XPath.number(e.textBytes) == 0 { at.append("cac:PrepaidPayment/cbc:PaidAmount") }
                }
            },
            notNegative("F-LIB016", .invoice, ["PayableAmount", "TaxInclusiveAmount"]),
            notNegative("F-LIB016", .creditNote, ["PayableAmount"]),
            // Not stated for a PEPPOL BIS 3 document converted to OIOUBL (its AdditionalDocumentReference says so).
            notNegative("F-LIB375", .creditNote, ["TaxInclusiveAmount"]) { doc in
                doc.anyChild("AdditionalDocumentReference") { r in
                    r.anyChild("DocumentTypeCode") { $0.attribute("listAgencyName") == "ERST" && $0.text == "PEPPOLBIS32OIOUBL" }
                }
            },
        ]
        + WrittenRule.pair("F-INV002", "F-CRN002", "There must be an OrderReference class for this profileID") { doc, at in
            if orderProfiles.contains(where: { doc.eq("ProfileID", $0) }), !doc.has("OrderReference") { at.append("cac:OrderReference") }
        }
}
