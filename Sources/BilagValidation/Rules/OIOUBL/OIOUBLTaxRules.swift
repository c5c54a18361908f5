import BilagCore

/// The OIOUBL tax rules as the official OIOUBL Schematron (release 1.12.2) states them: the tax category code
/// lists by their scheme (F-LIB309), exactly one VAT TaxTotal (F-LIB306), no tax scheme twice across TaxTotals
/// (F-LIB314), no VAT category twice in one TaxTotal (F-LIB315), the subtotals' amounts (F-LIB259, F-LIB263) and
/// the transaction-currency tax amount only for StandardRated (F-LIB373). The document's and each line's TaxTotal.
enum OIOUBLTaxRules {
    static func isVAT(_ total: WrittenElement) -> Bool {
        total.anyChild("TaxSubtotal") { s in
            s.contains(["TaxCategory", "TaxScheme"]) { $0.eq("ID", "63") || $0.eq("ID", "VAT") }
        }
    }

    /// Whether some child after the first `cac:TaxSubtotal` has a `cac:TaxCategory` (what F-LIB315 compares with).
    static func laterTaxCategory(_ total: WrittenElement) -> Bool {
        var afterSubtotal = false, found = false
        total.forEachChild { c in
            if afterSubtotal && !found && c.has("TaxCategory") { found = true }
            if c.is("TaxSubtotal") { afterSubtotal = true }
        }
        return found
    }

    /// `string-length(substring-after(cbc:x, '.'))` of the first child `x` ("" when there is none).
    static func decimals(_ e: WrittenElement, _ local: StaticString) -> Int {
        guard let c = e.child(local) else { return 0 }
        return XPath.decimals(c.textBytes)
    }

    /// The string values of `path` under `e` (a node-set for a general comparison).
    static func values(_ e: WrittenElement, _ path: [StaticString]) -> [String] { e.select(path).map(\.text) }

    /// `a = b` between two node-sets: some pair of values is equal.
    static func intersects(_ a: [String], _ b: [String]) -> Bool { a.contains { b.contains($0) } }

    static let all: [any Rule] = [
        WrittenRule("F-LIB309", "Invalid tax category ID for its schemeID (not in the OIOUBL taxcategoryid list)") { doc, at in
            for c in OIOUBLPlaces.taxCategories(doc) {
                for id in c.children("ID") {
                    guard let scheme = id.attribute("schemeID"), let (list, set) = OIOUBLCodeLists.taxCategoriesByScheme[scheme] else { continue }
                    if !OIOUBLCodeLists.listed(id.text, in: list, set: set) { at.append("cac:TaxCategory/cbc:ID") }
                }
            }
        },
        WrittenRule("F-LIB306", "Exactly one TaxTotal class must contain VAT (Moms)") { doc, at in
            for group in OIOUBLPlaces.taxTotalGroups(doc) where !group.isEmpty {
                var vat = 0
                for t in group where isVAT(t) { vat += 1 }
                // Stated on each TaxTotal: reported once per TaxTotal.
                if vat != 1 { for _ in group { at.append("cac:TaxTotal") } }
            }
        },
        WrittenRule("F-LIB314", "Using the same TaxScheme ID in two different TaxTotal classes are not allowed.") { doc, at in
            // Two TaxTotals at least, or nothing follows the first.
            for group in OIOUBLPlaces.taxTotalGroups(doc) where group.count > 1 {
                for (i, t) in group.enumerated() {
                    let mine = values(t, ["TaxSubtotal", "TaxCategory", "TaxScheme", "ID"])
                    let following = group[(i + 1)...].flatMap { values($0, ["TaxSubtotal", "TaxCategory", "TaxScheme", "ID"]) }
                    if intersects(mine, following) { at.append("cac:TaxTotal") }
                }
            }
        },
        WrittenRule("F-LIB315", "Specifying the same TaxSubtotal.TaxCategory.ID in one TaxTotal class is not allowed") { doc, at in
            for group in OIOUBLPlaces.taxTotalGroups(doc) {
                // Only where some child after a TaxSubtotal has a TaxCategory: otherwise nothing follows to share it.
                for total in group where laterTaxCategory(total) {
                    let subtotals = total.allChildren
                    for (i, s) in subtotals.enumerated() where s.is("TaxSubtotal") {
                        let schemes = values(s, ["TaxCategory", "TaxScheme", "ID"])
                        guard schemes.contains("63") else { continue }
                        let following = subtotals[(i + 1)...]
                        let sameScheme = intersects(schemes, following.flatMap { values($0, ["TaxCategory", "TaxScheme", "ID"]) })
                        let sameCategory = intersects(values(s, ["TaxCategory", "ID"]), following.flatMap { values($0, ["TaxCategory", "ID"]) })
                        if sameScheme && sameCategory { at.append("cac:TaxSubtotal") }
                    }
                }
            }
        },
        WrittenRule("F-LIB259", "Invalid TaxableAmount. Must contain a value") { doc, at in
            for s in OIOUBLPlaces.taxSubtotals(doc) where s.isBlank("TaxableAmount") { at.append("cac:TaxSubtotal/cbc:TaxableAmount") }
        },
        // `string-length(substring-after(cbc:TaxAmount, '.')) != 2` on each TaxTotal, and the same of TaxableAmount on
        // each TaxSubtotal: an element left out is "" and so fails too.
        WrittenRule("F-LIB250", "Invalid TaxAmount. Must have 2 decimals") { doc, at in
            for group in OIOUBLPlaces.taxTotalGroups(doc) {
                for t in group where decimals(t, "TaxAmount") != 2 { at.append("cac:TaxTotal/cbc:TaxAmount") }
            }
        },
        WrittenRule("F-LIB261", "Invalid TaxableAmount. Must have 2 decimals") { doc, at in
            for s in OIOUBLPlaces.taxSubtotals(doc) where decimals(s, "TaxableAmount") != 2 { at.append("cac:TaxSubtotal/cbc:TaxableAmount") }
        },
        WrittenRule("F-LIB263", "Invalid TaxAmount. Must have 2 decimals") { doc, at in
            for s in OIOUBLPlaces.taxSubtotals(doc) where decimals(s, "TaxAmount") != 2 { at.append("cac:TaxSubtotal/cbc:TaxAmount") }
        },
        WrittenRule("F-LIB373", "TransactionCurrencyTaxAmount only valid when TaxCategory/ID = 'StandardRated'") { doc, at in
            for s in OIOUBLPlaces.taxSubtotals(doc) where s.has("TransactionCurrencyTaxAmount")
                && !s.anyChild("TaxCategory", { $0.eq("ID", "StandardRated") }) {
                at.append("cac:TaxSubtotal/cbc:TransactionCurrencyTaxAmount")
            }
        },
    ]
}
