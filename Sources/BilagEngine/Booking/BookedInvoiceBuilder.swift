import BilagCore
import BilagStore

/// How the pipeline and the manual queue make the one `BookedInvoice` every Outbox writer is handed.
extension BookedInvoice {
    /// A booking of an invoice by its key fields: a robot's (or a plan's) of an invoice the pipeline just examined, or
    /// an operator's of one the store holds. `robot` is the robot decision the booking belongs to in history (for an
    /// operator's, the last live one on the invoice, if any).
    /// `invoice`, when at hand, gives the details a voucher needs (VAT breakdown, payment means, supplier ids).
    public init(id: String, sha256: String, summary: InvoiceSummary?, booking: Booking, bookedBy: String, robot: StoredDecision?, invoice: Invoice? = nil, bookedAt: String = Timestamp.string()) {
        let amount = { (s: String?) in s.flatMap { Amount(parsing: $0) } }
        self.init(invoiceID: id, bookedAt: bookedAt, bookedBy: bookedBy, supplierKey: summary?.sellerKey, supplierName: summary?.sellerName, invoiceNumber: summary?.invoiceNumber,
                  issueDate: summary?.issueDate, dueDate: summary?.dueDate, documentKind: summary?.documentKind ?? .invoice, currency: summary?.currency,
                  amountDue: amount(summary?.amountDue), totalWithoutVAT: amount(summary?.totalWithoutVAT), totalVAT: amount(summary?.totalVAT),
                  postings: booking.postings, pay: booking.pay, sha256: sha256, robot: robot?.robot, historyKey: robot?.historyKey,
                  details: invoice.map(BookedInvoiceDetails.init(invoice:)))
    }
}

extension BookedInvoiceDetails {
    /// The details of a parsed invoice, amounts signed by its kind.
    public init(invoice: Invoice) {
        self.init()
        let kind = invoice.documentKind
        vatBreakdown = invoice.vatBreakdown.map {
            VATPart(category: $0.categoryCode, rate: $0.rate, taxable: kind.signed($0.taxableAmount ?? .zero), tax: kind.signed($0.taxAmount ?? .zero))
        }
        if let means = invoice.paymentInstructions.first {
            let transfer = means.creditTransfers.first
            payment = PaymentMeans(code: means.paymentMeansTypeCode, account: transfer?.paymentAccountIdentifier?.value, bic: transfer?.paymentServiceProviderIdentifier,
                                   paymentID: means.remittanceInformation, instructionID: means.instructionIdentifier, creditAccount: means.creditAccount,
                                   channel: means.paymentChannelCode)
        }
        supplierLegalID = invoice.seller.legalRegistrationIdentifier?.value
        supplierVATNumber = invoice.seller.vatIdentifier
        supplierEndpoint = invoice.seller.electronicAddress?.description
        paidAmount = invoice.totals.paidAmount.map(kind.signed)
        roundingAmount = invoice.totals.roundingAmount.map(kind.signed)
        buyerReference = invoice.buyerReference
        orderReference = invoice.purchaseOrderReference
    }
}
