import BilagStore

/// Which bookings bilag pays: the one place that says so. Payments are fed from the booked-invoice stream the Outbox
/// writers read (`journal_entry`), never from a decision, so a booking that is held (a case-system write-back not yet
/// confirmed) is paid only once it is in that stream. A further condition for paying belongs here.
public enum PaymentEligibility {
    /// True when bilag is to pay (or, for a credit note, set off) this booking: the robot, plan or operator booked it
    /// with `pay`.
    public static func payable(_ booked: BookedInvoice) -> Bool {
        booked.pay
    }
}
