import BilagStore

/// The bookings decided earlier in the batch in hand, in decision order: the store does not hold them until the batch
/// is applied, yet what they pay must count for the invoices decided after them. The payments writer takes a batch's
/// bookings up in that same order, so the guard at booking decides as the take-up will (`PaymentGuard`).
struct BatchBookings {
    private var bySupplier: [String: [BookedInvoice]] = [:]

    /// Notes a booking decided (an outcome `booked`).
    mutating func add(_ booked: BookedInvoice) {
        guard let key = booked.supplierKey else { return }
        bySupplier[key, default: []].append(booked)
    }

    /// The bookings of `supplier` decided so far in this batch, oldest first.
    func of(_ supplier: String) -> [BookedInvoice] { bySupplier[supplier] ?? [] }
}
