import BilagCore

extension ReasonCode {
    /// The invoice's issue date is missing or is no calendar date (`IssueDateGate`).
    public static let issueDateUnreadable = "issue-date-unreadable"
}

/// An invoice whose issue date cannot be read is never booked: the duplicate check (supplier + invoice number +
/// issue date), the business order robots see their history in, and the booking itself need it.
///
/// Validation gives the official verdict on such a date (a `BILAG-FORMAT` warning where the official rules accept
/// it, docs/validation.md), so the safety lives here: the router sends the invoice to the manual queue before the
/// duplicate check on the business key and before any robot, and `ManualQueue.approve` refuses to book an invoice
/// without an issue date.
enum IssueDateGate {
    /// Why the invoice is held, or nil when its issue date was read.
    static func hold(_ doc: ParsedDocument) -> String? {
        guard doc.invoice.issueDate == nil else { return nil }
        let unreadable = doc.findings.contains { $0.isUnreadableDate && issueDatePaths.contains($0.path) }
        return (unreadable ? "the issue date is not a calendar date (YYYY-MM-DD)" : "the invoice has no issue date")
            + ", so the duplicate check cannot run and it cannot be booked; " + remedy
    }

    /// What an operator does with such an invoice (the queue's correction supplies a posting, not a date).
    static let remedy = "reject it with code returned-to-supplier and ask the supplier for the invoice with a valid issue date"

    /// The parser's paths of the issue date (BT-2), UBL and CII.
    static let issueDatePaths: Set<String> = ["cbc:IssueDate", "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString"]
}
