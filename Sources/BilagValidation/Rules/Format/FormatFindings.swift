import BilagCore

/// `BILAG-FORMAT`: a field the parser could not read as its type (a date that is no date, an amount that is no
/// number). Fatal under every profile: a document bilag cannot read in full is not booked automatically — with two
/// exceptions for an amount element that is empty or holds no number, where the official rules neither stop nor
/// reject and their verdict is kept (docs/validation.md):
///
/// - under OIOUBL every such amount is a warning: the official OIOUBL rules (XPath 1.0: NaN, no error) judge them
///   element by element (an empty total or tax amount fails F-INV127/F-INV128/F-LIB259…; an empty `PriceAmount` passes);
/// - under EN 16931 without PEPPOL (`en16931`, `xrechnung`, `unknown`), the amounts no EN 16931 rule computes with:
///   a line allowance's or charge's amount and base amount (BT-136/137, BT-141/142), the price discount (BT-147) and
///   a document-level allowance's or charge's base amount (BT-93/BT-100). The EN 16931 XSLT casts every other amount
///   (a dynamic error: rejected), and PEPPOL's line and allowance arithmetic (R040, R046, R120) casts these too.
enum FormatFindings {
    static let ruleID = "BILAG-FORMAT"

    static func add(_ findings: [ParseFinding], profile: Profile, into issues: inout IssueList) {
        for f in findings {
            let severity: Severity = f.isUnreadableAmount && judgedByTheOfficialRules(f.path, profile) ? .warning : .fatal
            issues.add(ruleID: ruleID, severity: severity, message: "\(f.path): \(f.message)", location: f.path)
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
