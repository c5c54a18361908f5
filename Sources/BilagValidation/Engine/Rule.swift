import BilagCore

/// One business rule: an id (the official one where there is one), how bad breaking it is, the profiles whose
/// documents it applies to, and the check itself.
///
/// A rule reads the invoice through a `ValidationContext` (sums and facts computed once per document) and adds
/// an issue to the `IssueList` for each place it is broken. Rules hold no state and allocate nothing when the
/// document is fine: messages are built only on failure.
public protocol Rule: AnyObject, Sendable {
    /// The rule id, e.g. `BR-CO-10`, `PEPPOL-EN16931-R120`, `DK-R-002`, `F-INV128`.
    var id: String { get }
    /// Fatal rules make the document invalid; warnings are reported only.
    var severity: Severity { get }
    /// The profiles whose documents the rule applies to.
    var profiles: Set<Profile> { get }
    /// Adds an issue for each place the rule is broken.
    func check(_ c: ValidationContext, into issues: inout IssueList)
}

/// The profile groups the rule families apply to.
public enum Profiles {
    /// Every profile built on EN 16931: plain EN 16931, XRechnung, PEPPOL BIS 3 and unknown ones.
    public static let en16931: Set<Profile> = [.en16931, .xrechnung, .peppolBis3, .unknown]
    /// PEPPOL BIS Billing 3 (and EHF 3).
    public static let peppol: Set<Profile> = [.peppolBis3]
    /// OIOUBL 2.x.
    public static let oioubl: Set<Profile> = [.oioubl]
    /// Every profile.
    public static let all: Set<Profile> = Set(Profile.allCases)
    /// Profiles that are not PEPPOL (PEPPOL has its own official identifier rules).
    public static let nonPeppol: Set<Profile> = all.subtracting(peppol)
}

/// The issues found so far in one document.
public struct IssueList: Sendable {
    public private(set) var issues: [ValidationIssue] = []
    public init() {}

    /// Records that `rule` is broken.
    @inline(__always)
    public mutating func add(_ rule: some Rule, _ message: String, at location: String? = nil) {
        issues.append(ValidationIssue(ruleID: rule.id, severity: rule.severity, message: message, location: location))
    }

    /// Records an issue under an explicit id (parser findings).
    public mutating func add(ruleID: String, severity: Severity, message: String, location: String?) {
        issues.append(ValidationIssue(ruleID: ruleID, severity: severity, message: message, location: location))
    }
}
