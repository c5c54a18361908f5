import BilagCore
import BilagStore
import BilagValidation

/// The route stage: what must not reach a robot. Duplicates (the same bytes, or the same supplier + kind + invoice
/// number as compared: case, spaces and punctuation aside, whatever the issue date), invoices whose issue date cannot
/// be read (`IssueDateGate`) and invoices that fail their profile's rules go to the manual queue with a reason.
struct Router {
    let store: Store
    /// First-seen ids within the batch in hand, which the database does not hold yet.
    var bytesSeen: [String: String] = [:]
    var keysSeen: [String: Store.SameKey] = [:]
    /// The database's answers for the batch, fetched in one read by `prefetch` (by invoice id).
    var prefetched: [String: Store.DuplicateAnswer] = [:]

    init(store: Store) { self.store = store }

    /// Looks up the duplicate candidates of a whole batch in one read transaction, so `route` need not query per invoice.
    /// Every invoice `route` sees must be among them: nothing writes between this and the routing of the batch.
    mutating func prefetch(_ probes: [Store.DuplicateProbe]) throws {
        prefetched = try store.duplicateCandidates(probes)
    }

    /// A manual-queue outcome, or nil when the invoice may go on to the deciders.
    mutating func route(id: String, sha256: String, businessKey: Store.DuplicateProbe.BusinessKey?, issueDateHold: String? = nil, report: ValidationReport) -> (reason: String, message: String, duplicateOf: String?)? {
        let answer = prefetched[id]
        // The first invoice with these bytes: one seen before in this run, else the store's, else this one, which is
        // noted as the first (one hash of the key, not two).
        let first = Self.firstOrNoted(&bytesSeen, sha256, answer?.sameBytes ?? id)
        if first != id {
            return (ReasonCode.duplicateFile, "the same file arrived before as invoice \(first); reject it as a duplicate unless the supplier says otherwise", first)
        }
        if let held = issueDateHold { return (ReasonCode.issueDateUnreadable, held, nil) }
        if let key = businessKey {
            let first = Self.firstOrNoted(&keysSeen, key.compared, answer?.sameKey ?? Store.SameKey(id: id, invoiceNumber: key.invoiceNumber, issueDate: key.issueDate))
            if first.id != id {
                return (ReasonCode.duplicateInvoice, Self.sameNumberMessage(key, first), first.id)
            }
        }
        if !report.isValid {
            let fatal = report.issues.filter { $0.severity == .fatal }
            let list = fatal.prefix(5).map { "\($0.ruleID): \($0.message)" }.joined(separator: "; ")
            let more = fatal.count > 5 ? " (and \(fatal.count - 5) more)" : ""
            return (ReasonCode.validationFailed, "the invoice breaks \(fatal.count) rule(s) of \(report.ruleSet): \(list)\(more)", nil)
        }
        return nil
    }

    /// The value `seen` holds for `key`; when it holds none, `value`, which it then holds.
    @inline(__always)
    static func firstOrNoted<V>(_ seen: inout [String: V], _ key: String, _ value: @autoclosure () -> V) -> V {
        func held(_ v: inout V) -> V { v }
        return held(&seen[key, default: value()])
    }

    /// Why an invoice is held as the same as an earlier one: as sent before, or the same number sent again written
    /// otherwise or with another issue date (a supplier numbers an invoice once).
    static func sameNumberMessage(_ key: Store.DuplicateProbe.BusinessKey, _ first: Store.SameKey) -> String {
        let kind = key.documentKind == .creditNote ? "credit note" : "invoice"
        let date = key.issueDate.map { " of \($0)" } ?? ""
        if first.invoiceNumber == key.invoiceNumber, first.issueDate == key.issueDate {
            return "supplier \(key.sellerKey) sent \(kind) number \(key.invoiceNumber)\(date) before, as invoice \(first.id); check whether this is a copy"
        }
        let before = "number \(first.invoiceNumber ?? "?")" + (first.issueDate.map { " of \($0)" } ?? "")
        return "supplier \(key.sellerKey) sent \(kind) number \(key.invoiceNumber)\(date) before, as invoice \(first.id) (\(before)); a supplier numbers an invoice once, "
            + "so this is likely the same \(kind) sent again with another date or spelling: check it with the supplier"
    }
}
