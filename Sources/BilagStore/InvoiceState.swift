/// Where an invoice is in its life. Every claimed file ends in exactly one of the final outcomes.
public enum InvoiceState: String, Codable, Sendable, CaseIterable {
    /// Claimed and recorded; not yet decided.
    case received
    /// Booked: a journal line exists for it (final).
    case booked
    /// Waiting in the manual queue with a reason.
    case manual
    /// Rejected by an operator with a deletion code (final).
    case rejected
    /// Not an invoice, unreadable or hostile; the file is kept.
    case quarantined

    /// The transitions the store allows; everything else is refused.
    public func canMove(to next: InvoiceState) -> Bool {
        switch (self, next) {
        case (.received, .booked), (.received, .manual), (.received, .quarantined), (.received, .received): return true
        case (.manual, .booked), (.manual, .rejected), (.manual, .received): return true
        case (.quarantined, .received), (.quarantined, .rejected): return true
        default: return false
        }
    }

    /// True for outcomes nothing moves on from.
    public var isFinal: Bool { self == .booked || self == .rejected }
}

/// The deletion codes an operator gives when rejecting an invoice (the finance office's own list).
public enum RejectionCode: String, Codable, Sendable, CaseIterable {
    case duplicate = "duplicate"
    case severalInvoices = "several-invoices"
    case returnedToSupplier = "returned-to-supplier"
    case otherEntity = "other-entity"
    case systemError = "system-error"
    case handledInERP = "handled-in-erp"

    public var label: String {
        switch self {
        case .duplicate: return "duplicate or copy"
        case .severalInvoices: return "contains several invoices"
        case .returnedToSupplier: return "returned to supplier"
        case .otherEntity: return "belongs to another entity"
        case .systemError: return "deleted because of a system error"
        case .handledInERP: return "handled in the ERP already"
        }
    }
}
