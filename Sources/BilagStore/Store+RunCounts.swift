import BilagCore
import GRDB

extension Store {
    /// Invoices whose outcome changed at or after `since` (a `Timestamp` string), by state and reason: what one run
    /// decided, as opposed to the totals of `counts()`.
    public func counts(changedSince since: String) throws -> StatusCounts {
        try pool.read { db in
            var c = StatusCounts()
            for row in try Row.fetchAll(db, sql: "SELECT state, reason_code, COUNT(*) FROM invoice WHERE updated_at >= ? GROUP BY state, reason_code", arguments: [since]) {
                let state: String = row[0], n: Int = row[2]
                c.byState[state, default: 0] += n
                if state != InvoiceState.booked.rawValue {
                    c.byReason[state, default: [:]][(row[1] as String?) ?? (state == InvoiceState.received.rawValue ? "in-progress" : "-")] = n
                }
            }
            c.total = c.byState.values.reduce(0, +)
            return c
        }
    }
}

extension StatusCounts {
    /// No invoices: what a root bilag has not run in yet holds.
    public static var none: StatusCounts { StatusCounts() }
}
