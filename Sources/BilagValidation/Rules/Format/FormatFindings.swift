import BilagCore

/// `BILAG-FORMAT`: a field the parser could not read as its type (a date that is no date, an amount that is no
/// number). Fatal under every profile: a document bilag cannot read in full is not booked automatically.
enum FormatFindings {
    static let ruleID = "BILAG-FORMAT"

    static func add(_ findings: [ParseFinding], into issues: inout IssueList) {
        for f in findings {
            issues.add(ruleID: ruleID, severity: .fatal, message: "\(f.path): \(f.message)", location: f.path)
        }
    }
}
