import BilagCore

/// The scheme-qualified identifiers of the parties, the places where the official rules check identifiers by
/// scheme: electronic addresses (BT-34, BT-49), party identifiers (BT-29, BT-46, BT-60) and legal registration
/// identifiers (BT-30, BT-47, BT-61). For CII the PEPPOL rules also look at every other `GlobalID`/`ID` with a
/// scheme: the deliver-to location (BT-71) and the item standard identifiers (BT-157).
enum PartyIdentifiers {
    /// Calls `body` for each identifier with a scheme, with where it is.
    static func forEach(invoice inv: Invoice, includingCIIExtras: Bool, _ body: (Identifier, String, Bool) -> Void) {
        if let e = inv.seller.electronicAddress { body(e, "BT-34 seller electronic address", false) }
        inv.seller.identifiers.each { _, i in body(i.copy, "BT-29 seller identifier", false) }
        if let l = inv.seller.legalRegistrationIdentifier { body(l, "BT-30 seller legal registration", false) }
        if let e = inv.buyer.electronicAddress { body(e, "BT-49 buyer electronic address", false) }
        inv.buyer.identifiers.each { _, i in body(i.copy, "BT-46 buyer identifier", false) }
        if let l = inv.buyer.legalRegistrationIdentifier { body(l, "BT-47 buyer legal registration", false) }
        if let payee = inv.payee {
            if let i = payee.identifier { body(i, "BT-60 payee identifier", false) }
            if let l = payee.legalRegistrationIdentifier { body(l, "BT-61 payee legal registration", false) }
        }
        if includingCIIExtras && inv.syntax == .cii {
            if let d = inv.delivery?.locationIdentifier { body(d, "BT-71 deliver-to location", true) }
            inv.lines.each { _, l in if let s = l.itemStandardIdentifier { body(s, "BT-157 item standard identifier", true) } }
        }
    }
}

/// An identifier rule: every party identifier with one of `schemes` must pass `valid`.
final class SchemeIdentifierRule: Rule {
    let id: String
    let severity: Severity
    let profiles: Set<Profile>
    let schemes: [String]
    let what: String
    /// Whether the value is trimmed first (XPath `normalize-space()`); PEPPOL-COMMON-R042 uses `string()` untrimmed.
    let trims: Bool
    let includesCIIExtras: Bool
    let valid: @Sendable (String) -> Bool
    let schemeSet: SchemeSet

    init(_ id: String, _ profiles: Set<Profile>, severity: Severity = .fatal, schemes: [String], _ what: String,
         trims: Bool = true, includesCIIExtras: Bool = false, _ valid: @escaping @Sendable (String) -> Bool) {
        self.id = id; self.profiles = profiles; self.severity = severity; self.schemes = schemes; self.what = what
        self.trims = trims; self.includesCIIExtras = includesCIIExtras; self.valid = valid
        self.schemeSet = SchemeSet(schemes: schemes)
    }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        // CII identifiers written empty with one of the rule's schemes (the model drops them; an empty one is invalid).
        if includesCIIExtras, c.invoice.syntax == .cii, !valid("") {
            for e in c.lexical.ciiEmptySchemedIDs where schemes.contains(e.scheme) {
                issues.add(self, "\(what): an empty identifier (scheme \(e.scheme)) is not valid.", at: e.path)
            }
        }
        guard !c.identifierSchemes.isDisjoint(with: schemeSet) else { return } // none of its schemes in the document
        c.schemedIdentifiers.each { _, s in
            guard !s.scheme.isDisjoint(with: schemeSet), includesCIIExtras || !s.ciiExtra else { return }
            let ident = s.identifier
            let value = trims ? Text.trim(ident.value) : ident.value
            if !valid(value) {
                issues.add(self, "\(what): '\(PersonalData.maskCPR(ident.value))' (scheme \(ident.scheme ?? "")) is not valid.", at: s.place)
            }
        }
    }
}
