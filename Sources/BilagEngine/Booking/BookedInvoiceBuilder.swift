import BilagCore
import BilagStore

/// How the pipeline and the manual queue make the one `BookedInvoice` every Outbox writer is handed.
extension BookedInvoice {
    /// A booking of an invoice by its key fields: a robot's (or a plan's) of an invoice the pipeline just examined, or
    /// an operator's of one the store holds. `robot` is the robot decision the booking belongs to in history (for an
    /// operator's, the last live one on the invoice, if any).
    init(id: String, sha256: String, summary: InvoiceSummary?, booking: Booking, bookedBy: String, robot: StoredDecision?, bookedAt: String = Timestamp.string()) {
        let amount = { (s: String?) in s.flatMap { Amount(parsing: $0) } }
        self.init(invoiceID: id, bookedAt: bookedAt, bookedBy: bookedBy, supplierKey: summary?.sellerKey, supplierName: summary?.sellerName, invoiceNumber: summary?.invoiceNumber,
                  issueDate: summary?.issueDate, dueDate: summary?.dueDate, documentKind: summary?.documentKind ?? .invoice, currency: summary?.currency,
                  amountDue: amount(summary?.amountDue), totalWithoutVAT: amount(summary?.totalWithoutVAT), totalVAT: amount(summary?.totalVAT),
                  postings: booking.postings, pay: booking.pay, sha256: sha256, robot: robot?.robot, historyKey: robot?.historyKey)
    }
}
