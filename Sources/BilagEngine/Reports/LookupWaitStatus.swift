import BilagCore
import BilagStore

/// The invoices waiting for a case system's answer to a lookup, as `bilag status` shows them: each with the connector,
/// since when, the next try and the last error (the invoice's own message, as `queue show` prints it).
public struct LookupWaitStatus: Encodable, Sendable {
    /// How many invoices wait in all (the list holds the longest waiting of them).
    public var total: Int
    public var invoices: [Store.LookupWait]

    public init(store: Store, limit: Int = 50) throws {
        (invoices, total) = try store.lookupWaits(limit: limit)
        for i in invoices.indices { invoices[i].message = invoices[i].message.map(PersonalData.maskCPR) }
    }

    public var lines: [String] {
        guard total > 0 else { return [] }
        var out = ["lookups waiting for a case system: \(total) invoice(s)" + (total > invoices.count ? " (the \(invoices.count) waiting longest below; `bilag invoices list --state received` lists all)" : "")]
        for w in invoices {
            let message = w.message ?? "waiting for case system \(w.connector) since \(w.since ?? "?")"
            out.append("  invoice \(w.invoiceID): \(message)" + (w.nextTry.map { "; next try \($0)" } ?? ""))
        }
        return out
    }
}
