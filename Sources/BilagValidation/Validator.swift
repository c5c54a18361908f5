import BilagCore

/// Validates a parsed document by the rules of its own profile (BT-24 `CustomizationID`):
///
/// - EN 16931, XRechnung and unknown profiles: the EN 16931 core rules (BR-*, BR-CO-*, BR-DEC-*, BR-CL-*, the VAT
///   category rules) and bilag's identifier checks (`BILAG-ID-*`);
/// - PEPPOL BIS 3 / EHF 3: the EN 16931 core rules, the PEPPOL rules (PEPPOL-EN16931-*, PEPPOL-COMMON-*), the
///   Danish rules (DK-R-*) for a Danish seller and the Norwegian rules (NO-R-*) for a Norwegian seller;
/// - OIOUBL 2.x: bilag's OIOUBL rule set (`OIOUBL-*`: mandatory elements, arithmetic, VAT) and identifier checks.
///
/// Parser findings become fatal `BILAG-FORMAT` issues under every profile. `docs/validation.md` lists the rules.
public struct Validator: Sendable {
    public init() {}

    /// Validates under the document's own profile.
    public func validate(_ doc: ParsedDocument) -> ValidationReport {
        validate(doc, as: doc.invoice.profile)
    }

    /// Validates under `profile`, whatever the document declares (the agreement tests use it for unit-test
    /// documents that carry no CustomizationID).
    public func validate(_ doc: ParsedDocument, as profile: Profile) -> ValidationReport {
        var issues = IssueList()
        FormatFindings.add(doc.findings, profile: profile, syntax: doc.invoice.syntax, into: &issues)
        let context = ValidationContext(Self.asWritten(doc), profile: profile, findings: doc.findings, lexical: doc.lexical, written: doc.written)
        // Through the buffer: `for rule in rules` would copy each existential (and retain what it holds).
        Self.rules(for: profile).withUnsafeBufferPointer { rules in
            for i in 0..<rules.count { rules[i].check(context, into: &issues) }
        }
        // A rule may report under another id than its own (the BR-DEC rule of a padded amount): the syntax's scope is
        // applied to what was found.
        let syntax = doc.invoice.syntax
        let found = issues.issues.allSatisfy { SyntaxScope.applies($0.ruleID, to: syntax) } ? issues.issues : issues.issues.filter { SyntaxScope.applies($0.ruleID, to: syntax) }
        return ValidationReport(profile: profile, issues: found, ruleSet: Self.ruleSetName(for: profile))
    }

    /// The invoice as the official rules read it: category codes written with whitespace around them are taken as
    /// written (` S ` is no `S`), where the model keeps them trimmed for the robots. A copy only when there are any.
    static func asWritten(_ doc: ParsedDocument) -> Invoice {
        let padded = doc.lexical.paddedCategoryCodes
        guard !padded.isEmpty else { return doc.invoice }
        var inv = doc.invoice
        for p in padded {
            switch p.place {
            case .line: if p.index < inv.lines.count { inv.lines[p.index].vatCategoryCode = p.written }
            case .allowanceCharge: if p.index < inv.allowanceCharges.count { inv.allowanceCharges[p.index].vatCategoryCode = p.written }
            case .breakdown: if p.index < inv.vatBreakdown.count { inv.vatBreakdown[p.index].categoryCode = p.written }
            }
        }
        return inv
    }

    /// Every rule id bilag checks, under any profile.
    public static var implementedRuleIDs: Set<String> { allRuleIDs }

    /// The rule ids checked for documents of `profile`.
    public static func implementedRuleIDs(for profile: Profile) -> Set<String> {
        switch profile {
        case .oioubl: return oioublIDs
        case .peppolBis3: return peppolIDs
        case .en16931, .xrechnung, .unknown: return en16931IDs
        }
    }

    /// The rules applied to documents of `profile`, in the order they run.
    public static func rules(for profile: Profile) -> [any Rule] {
        switch profile {
        case .oioubl: return oioublRules
        case .peppolBis3: return peppolRules
        case .en16931, .xrechnung, .unknown: return en16931Rules
        }
    }

    /// The rule ids checked for documents of `profile` written in `syntax`.
    public static func implementedRuleIDs(for profile: Profile, syntax: Syntax) -> Set<String> {
        implementedRuleIDs(for: profile).filter { SyntaxScope.applies($0, to: syntax) }
    }

    /// A readable name of the rule set applied to `profile`.
    public static func ruleSetName(for profile: Profile) -> String {
        switch profile {
        case .oioubl: return "OIOUBL 2.x (bilag OIOUBL rules)"
        case .peppolBis3: return "EN 16931 + PEPPOL BIS 3 (+ DK/NO national rules)"
        case .xrechnung: return "EN 16931 (XRechnung CIUS rules not checked)"
        case .en16931: return "EN 16931"
        case .unknown: return "EN 16931 (no known CustomizationID)"
        }
    }

    // MARK: - The rule tables, built once.

    static let allRules: [any Rule] =
        CoreRules.all
        + PeppolDocumentRules.all + PeppolLineRules.all + PeppolCodeRules.all
        + DKRules.all + NORules.all
        + IdentifierRules.peppol + IdentifierRules.bilag
        + LexicalRules.all
        + OIOUBLMandatoryRules.all + OIOUBLArithmeticRules.all + OIOUBLVATRules.all
        + OIOUBLDocumentRules.all + OIOUBLPartyRules.all + OIOUBLAddressRules.all + OIOUBLTaxRules.all + OIOUBLLineRules.all + OIOUBLPaymentRules.all + OIOUBLWrittenTotalsRules.all

    static let en16931Rules = allRules.filter { $0.profiles.contains(.en16931) }
    static let peppolRules = allRules.filter { $0.profiles.contains(.peppolBis3) }
    static let oioublRules = allRules.filter { $0.profiles.contains(.oioubl) }

    static let en16931IDs = Set(en16931Rules.map(\.id)).union([FormatFindings.ruleID])
    static let peppolIDs = Set(peppolRules.map(\.id)).union([FormatFindings.ruleID])
    static let oioublIDs = Set(oioublRules.map(\.id)).union([FormatFindings.ruleID])
    static let allRuleIDs = Set(allRules.map(\.id)).union([FormatFindings.ruleID])
}
