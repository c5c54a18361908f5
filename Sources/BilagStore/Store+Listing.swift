import BilagCore
import GRDB

/// What the list commands need beyond the rows: the total behind a page, and the candidates of an id prefix.
extension Store {
    /// How many invoices there are, optionally in one state and/or with one reason (the total behind a page).
    public func invoiceCount(state: InvoiceState? = nil, reason: String? = nil) throws -> Int {
        try pool.read { db in
            let (filter, args) = Self.invoiceFilter(state: state, reason: reason)
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice" + filter, arguments: StatementArguments(args)) ?? 0
        }
    }

    /// The `WHERE` clause (empty when nothing filters) and its arguments for invoices in one state and/or with one reason.
    static func invoiceFilter(state: InvoiceState?, reason: String?) -> (String, [DatabaseValueConvertible?]) {
        var args: [DatabaseValueConvertible?] = []
        var conds: [String] = []
        if let state { conds.append("state = ?"); args.append(state.rawValue) }
        if let reason { conds.append("reason_code = ?"); args.append(reason) }
        return (conds.isEmpty ? "" : " WHERE " + conds.joined(separator: " AND "), args)
    }

    /// The ids that start with `prefix`, in order, at most `limit` (to name the candidates of an ambiguous prefix).
    public func invoiceIDs(withPrefix prefix: String, limit: Int) throws -> [String] {
        try pool.read { db in
            let pattern = prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            return try String.fetchAll(db, sql: "SELECT id FROM invoice WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?", arguments: [pattern, limit])
        }
    }
}
