import BilagCore

// PROVISIONAL (lead): replaced by the rule engine; only parser findings for now.
/// Validates a parsed document by the rules of its own profile.
public struct Validator: Sendable {
    public init() {}
    public func validate(_ doc: ParsedDocument) -> ValidationReport {
        ValidationReport(profile: doc.invoice.profile, issues: doc.findings.map { ValidationIssue(ruleID: "BILAG-FORMAT", severity: .fatal, message: $0.message, location: $0.path) }, ruleSet: doc.invoice.profile.rawValue)
    }
}
