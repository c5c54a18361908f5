import BilagCore

// Small rule shapes for the many one-line rules ("shall have", "shall not"); rules with real logic are types of
// their own. Each shape reports one issue per failing place, like a Schematron assert per context node.

/// A document-level assertion.
final class Assert: Rule {
    let id: String
    let severity: Severity
    let profiles: Set<Profile>
    let message: String
    let location: String?
    let holds: @Sendable (ValidationContext) -> Bool

    init(_ id: String, _ profiles: Set<Profile>, severity: Severity = .fatal, at location: String? = nil, _ message: String,
         _ holds: @escaping @Sendable (ValidationContext) -> Bool) {
        self.id = id; self.profiles = profiles; self.severity = severity; self.location = location; self.message = message; self.holds = holds
    }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        if !holds(c) { issues.add(self, message, at: location) }
    }
}

/// An assertion on every invoice line (BG-25).
final class EachLine: Rule {
    let id: String
    let severity: Severity
    let profiles: Set<Profile>
    let message: String
    let holds: @Sendable (Borrowed<InvoiceLine>, ValidationContext) -> Bool

    init(_ id: String, _ profiles: Set<Profile>, severity: Severity = .fatal, _ message: String,
         _ holds: @escaping @Sendable (Borrowed<InvoiceLine>, ValidationContext) -> Bool) {
        self.id = id; self.profiles = profiles; self.severity = severity; self.message = message; self.holds = holds
    }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        c.invoice.lines.each { i, line in
            guard !holds(line, c) else { return }
            issues.add(self, message, at: Location.line(i, line.copy))
        }
    }
}

/// An assertion on every document-level allowance (BG-20) and/or charge (BG-21).
final class EachAllowanceCharge: Rule {
    enum Kind: Sendable { case allowances, charges, both }
    let id: String
    let severity: Severity
    let profiles: Set<Profile>
    let kind: Kind
    let message: String
    let holds: @Sendable (Borrowed<AllowanceCharge>, ValidationContext) -> Bool

    init(_ id: String, _ profiles: Set<Profile>, _ kind: Kind, severity: Severity = .fatal, _ message: String,
         _ holds: @escaping @Sendable (Borrowed<AllowanceCharge>, ValidationContext) -> Bool) {
        self.id = id; self.profiles = profiles; self.kind = kind; self.severity = severity; self.message = message; self.holds = holds
    }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        c.invoice.allowanceCharges.each { i, ac in
            guard kind.includes(ac.isCharge) && !holds(ac, c) else { return }
            issues.add(self, message, at: Location.allowanceCharge(i, ac.copy))
        }
    }
}

/// An assertion on every line-level allowance (BG-27) and/or charge (BG-28).
final class EachLineAllowanceCharge: Rule {
    let id: String
    let severity: Severity
    let profiles: Set<Profile>
    let kind: EachAllowanceCharge.Kind
    let message: String
    let holds: @Sendable (Borrowed<AllowanceCharge>, ValidationContext) -> Bool

    init(_ id: String, _ profiles: Set<Profile>, _ kind: EachAllowanceCharge.Kind, severity: Severity = .fatal, _ message: String,
         _ holds: @escaping @Sendable (Borrowed<AllowanceCharge>, ValidationContext) -> Bool) {
        self.id = id; self.profiles = profiles; self.kind = kind; self.severity = severity; self.message = message; self.holds = holds
    }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        c.eachLineAllowanceCharge { i, j, ac in
            guard kind.includes(ac.isCharge) && !holds(ac, c) else { return }
            issues.add(self, message, at: Location.line(i, c.invoice.lines[i]) + "/" + Location.allowanceCharge(j, ac.copy))
        }
    }
}

/// An assertion on every VAT breakdown (BG-23).
final class EachBreakdown: Rule {
    let id: String
    let severity: Severity
    let profiles: Set<Profile>
    let message: String
    let holds: @Sendable (Borrowed<VATBreakdown>, ValidationContext) -> Bool

    init(_ id: String, _ profiles: Set<Profile>, severity: Severity = .fatal, _ message: String,
         _ holds: @escaping @Sendable (Borrowed<VATBreakdown>, ValidationContext) -> Bool) {
        self.id = id; self.profiles = profiles; self.severity = severity; self.message = message; self.holds = holds
    }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        c.invoice.vatBreakdown.each { i, b in
            guard !holds(b, c) else { return }
            issues.add(self, message, at: Location.breakdown(i, b.copy))
        }
    }
}

extension EachAllowanceCharge.Kind {
    @inline(__always)
    func includes(_ isCharge: Bool) -> Bool {
        switch self {
        case .allowances: return !isCharge
        case .charges: return isCharge
        case .both: return true
        }
    }
}

/// Where in the document an issue is, in the terms of the model (line numbers count from 1).
enum Location {
    static func line(_ index: Int, _ line: Borrowed<InvoiceLine>) -> String { self.line(index, line.copy) }
    static func allowanceCharge(_ index: Int, _ ac: Borrowed<AllowanceCharge>) -> String { allowanceCharge(index, ac.copy) }
    static func breakdown(_ index: Int, _ b: Borrowed<VATBreakdown>) -> String { breakdown(index, b.copy) }
    static func line(_ index: Int, _ line: InvoiceLine) -> String {
        if let id = line.identifier, !id.isEmpty { return "line \(index + 1) (BT-126 \(id))" }
        return "line \(index + 1)"
    }
    static func allowanceCharge(_ index: Int, _ ac: AllowanceCharge) -> String {
        "\(ac.isCharge ? "charge" : "allowance") \(index + 1)"
    }
    static func breakdown(_ index: Int, _ b: VATBreakdown) -> String {
        "VAT breakdown \(index + 1) (\(b.categoryCode ?? "no category")\(b.rate.map { " \($0)%" } ?? ""))"
    }
}
