import BilagCore

/// Identifier checks by scheme.
///
/// PEPPOL documents get the official PEPPOL-COMMON rules. Every other profile gets bilag's own `BILAG-ID-*`
/// rules for the schemes Danish and Norwegian invoices use (the EN 16931 and OIOUBL rule sets do not check
/// identifiers): GLN (`0088`, OIOUBL `GLN`), Danish CVR (`0184`, `DK:CVR`), Danish CPR (`DK:CPR`) and the Norwegian
/// organisation number (`0192`, `NO:ORGNR`). Those rules are **warnings** (the verdict stays the official one): an
/// identifier that fails its check digit or shape can match no registered supplier or receiver (a look-up by it
/// finds none), and the warning stays in the invoice's validation findings. The CVR modulus-11 check is a
/// warning for every profile: the official PEPPOL rule checks only the shape, and published OIOUBL and PEPPOL
/// samples carry CVR numbers that fail it. BILAG-ID-CPR (a CPR number with no real birth date) stays fatal.
enum IdentifierRules {
    static let peppol: [any Rule] = [
        SchemeIdentifierRule("PEPPOL-COMMON-R040", Profiles.peppol, schemes: ["0088"], "GLN must have a valid format according to GS1 rules", includesCIIExtras: true) { Checksums.gln($0) },
        SchemeIdentifierRule("PEPPOL-COMMON-R041", Profiles.peppol, schemes: ["0192"], "Norwegian organization number MUST be stated in the correct format", includesCIIExtras: true) { v in
            v.utf8.count == 9 && Checksums.mod11(v)
        },
        SchemeIdentifierRule("PEPPOL-COMMON-R042", Profiles.peppol, schemes: ["0184"], "Danish organization number (CVR) MUST be stated in the correct format", trims: false, includesCIIExtras: true) { v in
            let u = v.utf8
            if u.count == 10, v.hasPrefix("DK") { return Text.isDigits(Substring(v.dropFirst(2)).utf8) }
            return u.count == 8 && Text.isDigits(v)
        },
        SchemeIdentifierRule("PEPPOL-COMMON-R043", Profiles.peppol, schemes: ["0208"], "Belgian enterprise number MUST be stated in the correct format", includesCIIExtras: true) { Checksums.belgianEnterpriseNumber($0) },
        SchemeIdentifierRule("PEPPOL-COMMON-R044", Profiles.peppol, severity: .warning, schemes: ["0201"], "IPA Code (Codice Univoco Unità Organizzativa) must be stated in the correct format", includesCIIExtras: true) { Checksums.codiceIPA($0) },
        SchemeIdentifierRule("PEPPOL-COMMON-R045", Profiles.peppol, severity: .warning, schemes: ["0210"], "Tax Code (Codice Fiscale) must be stated in the correct format", includesCIIExtras: true) { Checksums.codiceFiscale($0) },
        EndpointSchemeRule("PEPPOL-COMMON-R046", severity: .warning, scheme: "9907", "Tax Code (Codice Fiscale) must be stated in the correct format") { Checksums.codiceFiscale($0) },
        SchemeIdentifierRule("PEPPOL-COMMON-R047", Profiles.peppol, severity: .warning, schemes: ["0211"], "Italian VAT Code (Partita Iva) must be stated in the correct format", includesCIIExtras: true) { Checksums.partitaIVA($0) },
        EndpointSchemeRule("PEPPOL-COMMON-R048", severity: .warning, scheme: "9906", onlyCII: true, "Italian VAT Code (Partita Iva) must be stated in the correct format") { Checksums.partitaIVA($0) },
        SchemeIdentifierRule("PEPPOL-COMMON-R049", Profiles.peppol, schemes: ["0007"], "Swedish organization number MUST be stated in the correct format", includesCIIExtras: true) { Checksums.swedishOrgNumber($0) },
        SchemeIdentifierRule("PEPPOL-COMMON-R050", Profiles.peppol, schemes: ["0151"], "Australian Business Number (ABN) MUST be stated in the correct format", includesCIIExtras: true) { Checksums.abn($0) },
    ]

    static let bilag: [any Rule] = [
        SchemeIdentifierRule("BILAG-ID-GLN", Profiles.nonPeppol, severity: .warning, schemes: ["0088", "GLN"], "A GLN (EAN location number) must have a valid GS1 check digit") { Checksums.gln($0) },
        SchemeIdentifierRule("BILAG-ID-CVR", Profiles.nonPeppol, severity: .warning, schemes: ["0184", "DK:CVR"], "A Danish CVR number is 8 digits, optionally after DK") { cvrShape($0) },
        SchemeIdentifierRule("BILAG-ID-CVR-MOD11", Profiles.all, severity: .warning, schemes: ["0184", "DK:CVR"], "The Danish CVR number fails the modulus-11 check") { v in
            !cvrShape(v) || Checksums.cvr(v)
        },
        SchemeIdentifierRule("BILAG-ID-CPR", Profiles.all, schemes: ["DK:CPR", "9901"], "A Danish CPR number is DDMMYY-SSSS with a real birth date") { Identifiers.isValidCPR($0) },
        SchemeIdentifierRule("BILAG-ID-NO-ORGNR", Profiles.nonPeppol, severity: .warning, schemes: ["0192", "NO:ORGNR"], "A Norwegian organisation number is 9 digits with a modulus-11 check digit") { Identifiers.isValidNorwegianOrgNumber($0) },
    ]

    /// 8 digits, optionally prefixed `DK` (spaces ignored).
    static func cvrShape(_ raw: String) -> Bool {
        var u = Substring(raw).utf8
        if u.count >= 2, let f = u.first, f == 68 || f == 100, u.dropFirst().first == 75 || u.dropFirst().first == 107 { u = u.dropFirst(2) } // DK / dk
        var n = 0
        for b in u where b != 0x20 {
            guard b >= 48, b <= 57 else { return false }
            n += 1
        }
        return n == 8
    }
}

/// A PEPPOL rule on one endpoint scheme only (BT-34, BT-49).
final class EndpointSchemeRule: Rule {
    let id: String
    let severity: Severity
    let profiles = Profiles.peppol
    let scheme: String
    let onlyCII: Bool
    let what: String
    let valid: @Sendable (String) -> Bool
    let schemeBit: SchemeSet

    init(_ id: String, severity: Severity, scheme: String, onlyCII: Bool = false, _ what: String, _ valid: @escaping @Sendable (String) -> Bool) {
        self.id = id; self.severity = severity; self.scheme = scheme; self.onlyCII = onlyCII; self.what = what; self.valid = valid
        self.schemeBit = SchemeSet(scheme: scheme)
    }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        if onlyCII && c.invoice.syntax != .cii { return }
        guard c.identifierSchemes.contains(schemeBit) else { return }
        check(c.invoice.seller.electronicAddress, "BT-34", into: &issues)
        check(c.invoice.buyer.electronicAddress, "BT-49", into: &issues)
    }

    private func check(_ e: Identifier?, _ place: String, into issues: inout IssueList) {
        guard let e, e.scheme == scheme, !valid(e.value) else { return }
        issues.add(self, "\(what): '\(e.value)' (scheme \(scheme)).", at: place)
    }
}
