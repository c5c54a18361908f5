import BilagCore

/// How bad a broken rule is.
public enum Severity: String, Codable, Sendable { case fatal, warning }

/// One broken rule.
public struct ValidationIssue: Hashable, Codable, Sendable {
    public var ruleID: String
    public var severity: Severity
    public var message: String
    public var location: String?
    public init(ruleID: String, severity: Severity, message: String, location: String? = nil) {
        self.ruleID = ruleID; self.severity = severity; self.message = message; self.location = location
    }
}

/// The result of validating one document under its profile's rules.
public struct ValidationReport: Codable, Sendable {
    public var profile: Profile
    public var issues: [ValidationIssue]
    /// The rule set applied, e.g. `EN 16931 + PEPPOL BIS 3`.
    public var ruleSet: String
    /// True when no fatal rule is broken.
    public var isValid: Bool { !issues.contains { $0.severity == .fatal } }
    public init(profile: Profile, issues: [ValidationIssue], ruleSet: String) {
        self.profile = profile; self.issues = issues; self.ruleSet = ruleSet
    }
}
