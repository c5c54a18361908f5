import BilagCore

/// `BILAG-FORMAT`: a field the parser could not read as its type (a date that is no date, an amount that is no
/// number). Fatal where the official rules stop on it (a dynamic error) or the XML Schema alone rejects it; a
/// warning where the official rules read it and give their own verdict (docs/validation.md):
///
/// - a date that is no calendar date (`2026-13-01`, `2026-02-30`, `2026-01-01T00:00:00`) is a warning: the official
///   rules check a date's form where they mean to (PEPPOL-EN16931-F001, CII-DT-097) and otherwise do not read it —
///   except the UBL invoicing period's start and end date when both are given, which the EN 16931 rules cast to
///   `xs:date` (BR-29, BR-30) and stop on (fatal, not under OIOUBL). That such an invoice is not booked is the
///   pipeline's to make sure, not validation's: an issue date that cannot be read holds it in the manual queue
///   (`issue-date-unreadable`, `IssueDateGate`);
/// - under OIOUBL every such amount is a warning: the official OIOUBL rules (XPath 1.0: NaN, no error) judge them
///   element by element (an empty total or tax amount fails F-INV127/F-INV128/F-LIB259…; an empty `PriceAmount` passes);
/// - under EN 16931 without PEPPOL (`en16931`, `xrechnung`, `unknown`), the amounts no EN 16931 rule computes with:
///   a line allowance's or charge's amount and base amount (BT-136/137, BT-141/142), the price discount (BT-147) and
///   a document-level allowance's or charge's base amount (BT-93/BT-100). The EN 16931 XSLT casts every other amount
///   (a dynamic error: rejected), and PEPPOL's line and allowance arithmetic (R040, R046, R120) casts these too.
enum FormatFindings {
    static let ruleID = "BILAG-FORMAT"

    static func add(_ findings: [ParseFinding], profile: Profile, syntax: Syntax, into issues: inout IssueList) {
        for f in findings {
            let severity: Severity
            if f.isExponentAmount {
                // Read as its value, as the official rules read it (untyped: an xs:double), except where they cast it
                // to xs:decimal and stop: PEPPOL, and the EN 16931 UBL totals and allowances (BR-CO-10…16).
                severity = exponentReadAsNumber(f.path, profile, syntax) ? .warning : .fatal
            } else if f.isUnreadableBoolean && profile == .oioubl {
                // XPath 1.0 compares the text (`cbc:ChargeIndicator = 'true'`); the OIOUBL rules judge it as written.
                severity = .warning
            } else if f.isUnreadableDate {
                severity = f.isUnreadableComparedDate && profile != .oioubl ? .fatal : .warning
            } else {
                severity = f.isUnreadableAmount && judgedByTheOfficialRules(f.path, profile) ? .warning : .fatal
            }
            issues.add(ruleID: ruleID, severity: severity, message: "\(f.path): \(f.message)", location: f.path)
        }
    }

    /// Whether the official rules read an amount written with an exponent at `path` as a number, without stopping.
    static func exponentReadAsNumber(_ path: String, _ profile: Profile, _ syntax: Syntax) -> Bool {
        switch profile {
        case .oioubl: return true
        case .peppolBis3: return false
        case .en16931, .xrechnung, .unknown: return syntax == .cii || path.hasSuffix("cac:Price/cbc:PriceAmount") || unreadByEN16931.contains(path)
        }
    }

    /// Whether the official rules of `profile` read an empty amount at `path` without stopping, so their verdict on
    /// the document stands (bilag warns).
    static func judgedByTheOfficialRules(_ path: String, _ profile: Profile) -> Bool {
        switch profile {
        case .oioubl: return true
        case .peppolBis3: return false
        case .en16931, .xrechnung, .unknown: return unreadByEN16931.contains(path)
        }
    }

    /// The element paths (as the parser names them) of the amounts no EN 16931 rule computes with.
    static let unreadByEN16931: Set<String> = {
        var s: Set<String> = [
            "cac:AllowanceCharge/cbc:BaseAmount",
            "ram:SpecifiedTradeAllowanceCharge/ram:BasisAmount",
            "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge/ram:ActualAmount",
            "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge/ram:BasisAmount",
            "ram:IncludedSupplyChainTradeLineItem/ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:ActualAmount",
        ]
        for line in ["cac:InvoiceLine", "cac:CreditNoteLine"] {
            s.insert(line + "/cac:AllowanceCharge/cbc:Amount")
            s.insert(line + "/cac:AllowanceCharge/cbc:BaseAmount")
            s.insert(line + "/cac:Price/cac:AllowanceCharge/cbc:Amount")
        }
        return s
    }()

    /// Whether a line allowance or charge amount element is written but empty (it exists for the official rules).
    static func emptyLineAllowanceChargeAmount(_ c: ValidationContext) -> Bool {
        c.unreadablePaths.contains { $0.hasSuffix("AllowanceCharge/cbc:Amount") && !$0.hasPrefix("cac:AllowanceCharge") && !$0.contains("cac:Price")
            || $0 == "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge/ram:ActualAmount" }
    }
}
