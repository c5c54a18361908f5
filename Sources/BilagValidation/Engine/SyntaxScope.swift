import BilagCore

/// Which syntax's official rule files state a rule. The EN 16931 and PEPPOL BIS 3 rules are published twice, once
/// for UBL and once for CII, and the two sets differ: PEPPOL's type-code rules P0101…P0112, its price rule R046, its
/// empty-element rule R008 and its national German, Greek and Icelandic rules exist for UBL only; R006 and BR-CO-27
/// for CII only. A rule the official files of a document's syntax do not state cannot fail there, so bilag does not
/// report it there either (`Validator` drops such findings, whichever rule made them). `ValidationSyntaxScopeTests` reads the ids of the official files in `shared/corpus` and
/// holds every rule bilag applies to a syntax to that syntax's files.
enum SyntaxScope {
    /// Stated by the official UBL files only (beyond the UBL-SR/UBL-CR/UBL-DT syntax rules, named for their syntax).
    static let ublOnly: Set<String> = [
        "BR-67",
        "PEPPOL-EN16931-CL006", "PEPPOL-EN16931-R008", "PEPPOL-EN16931-R044", "PEPPOL-EN16931-R046", "PEPPOL-EN16931-R051",
        "PEPPOL-EN16931-P0101", "PEPPOL-EN16931-P0104", "PEPPOL-EN16931-P0105", "PEPPOL-EN16931-P0106",
        "PEPPOL-EN16931-P0107", "PEPPOL-EN16931-P0108", "PEPPOL-EN16931-P0109", "PEPPOL-EN16931-P0110",
        "PEPPOL-EN16931-P0111", "PEPPOL-EN16931-P0112",
    ]
    static let ublOnlyPrefixes = ["UBL-SR-", "UBL-CR-", "UBL-DT-", "DE-R-", "GR-R-", "GR-S-", "IS-R-"]

    /// Stated by the official CII files only (beyond the CII-SR/CII-DT syntax rules).
    static let ciiOnly: Set<String> = ["BR-CO-27", "PEPPOL-EN16931-R006"]

    /// Stated by the official CII files but unable to fail there: PEPPOL's CII P0100 has the context
    /// `ram:ExchangedDocument/ram:TypeCode`, and `ExchangedDocument` is in the `rsm` namespace, so no type code is
    /// ever judged by it (its unit tests have success cases only). BR-CL-01 still judges the code against UNTDID 1001.
    static let neverFailInCII: Set<String> = ["PEPPOL-EN16931-P0100"]
    static let ciiOnlyPrefixes = ["CII-SR-", "CII-DT-"]

    /// Whether the official rule files of `syntax` state the rule `id` (OIOUBL's and bilag's own ids always apply).
    static func applies(_ id: String, to syntax: Syntax) -> Bool {
        switch syntax {
        case .ubl: return !ciiOnly.contains(id) && !ciiOnlyPrefixes.contains { id.hasPrefix($0) }
        case .cii: return !ublOnly.contains(id) && !neverFailInCII.contains(id) && !ublOnlyPrefixes.contains { id.hasPrefix($0) }
        }
    }
}
