import BilagCore

/// `BILAG-FORMAT`: a field the parser could not read as its type (a date that is no date, an amount that is no
/// number). Fatal under every profile: a document bilag cannot read in full is not booked automatically — with one
/// exception: under OIOUBL an empty amount element is a warning, since the official OIOUBL rules judge empty amounts
/// themselves, element by element (an empty total or tax amount fails F-INV127/F-INV128/F-LIB259…; an empty
/// `PriceAmount` passes), and the verdict is theirs (docs/validation.md).
enum FormatFindings {
    static let ruleID = "BILAG-FORMAT"

    static func add(_ findings: [ParseFinding], profile: Profile, into issues: inout IssueList) {
        for f in findings {
            let severity: Severity = profile == .oioubl && f.isEmptyAmount ? .warning : .fatal
            issues.add(ruleID: ruleID, severity: severity, message: "\(f.path): \(f.message)", location: f.path)
        }
    }
}
