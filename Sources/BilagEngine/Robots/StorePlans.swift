import BilagCore
import BilagRobotLanguage
import BilagRobots
import BilagStore
import Foundation

/// Finds the payment plan that covers an invoice: supplier CVR + receiver EAN, then the most specific criteria —
/// a buyer order number, an invoice-number prefix, or an identifier printed on the invoice (metering point,
/// phone or contract number) — before a plan with no extra criteria.
///
/// The plans of a supplier and receiver are read once, not once per invoice (a pair may have thousands of plans, one
/// per contract), and kept until a plan changes: after each commit and before each pass (`forget()`) the store's plan
/// version (`Store.planVersion`, raised by every change to the plans, in any process) is asked once, and only when it
/// moved are the plans read again. (Reading them again after every batch made a month quadratic in its plans.)
// @unchecked: `cache`, `version` and `stale` are read and written only with `lock` held.
final class StorePlans: PlanProvider, @unchecked Sendable {
    let store: Store
    private let lock = NSLock()
    private var cache: [String: PairPlans] = [:]
    /// The pairs with plans not ended (`Store.planPairs`), read with `cache` at `version`; nil: not read yet.
    private var pairs: Set<String>?
    /// The plan version the cache was read at; nil: nothing read yet.
    private var version: Int64?
    /// Whether the version must be asked before the cache is used again.
    private var stale = true

    init(store: Store) { self.store = store }

    /// The next lookup asks whether a plan was added, changed or ended meanwhile, and reads them again if so.
    func forget() { lock.lock(); stale = true; lock.unlock() }

    /// The open plans of a supplier and receiver, each with its identifier as compared (`compact`), and found by it.
    struct PairPlans {
        let all: [(plan: PaymentPlan, identifier: String?)]
        /// The positions in `all` of the plans with each identifier (as compared).
        let byIdentifier: [String: [Int]]
        /// The positions of the plans without an identifier.
        let withoutIdentifier: [Int]

        init(_ all: [(plan: PaymentPlan, identifier: String?)]) {
            self.all = all
            var by: [String: [Int]] = [:], without: [Int] = []
            for (i, c) in all.enumerated() {
                if c.plan.identifier == nil { without.append(i) } else if let id = c.identifier, !id.isEmpty { by[id, default: []].append(i) }
            }
            byIdentifier = by; withoutIdentifier = without
        }

        /// The plans that may match an invoice whose identifier candidates are `readable`, in their order in `all`: those
        /// without an identifier and those whose identifier is readable (a plan's identifier must be, `matchedBy`).
        func candidates(_ readable: Set<String>) -> [(plan: PaymentPlan, identifier: String?)] {
            var positions = withoutIdentifier
            for r in readable { if let hit = byIdentifier[r] { positions += hit } }
            return positions.sorted().map { all[$0] }
        }
    }

    /// A pair's plans when no plan names it (most invoices: each of another supplier), made once.
    private static let noPlans = PairPlans([])

    func plans(cvr: String, ean: String) throws -> PairPlans {
        let key = Store.planPair(cvr: cvr, ean: ean)
        lock.lock()
        defer { lock.unlock() }
        if stale {
            // The version first, then the plans: a change between the two is seen at the next check.
            let now = try store.planVersion()
            if now != version { cache = [:]; pairs = nil; version = now }
            stale = false
        }
        if let hit = cache[key] { return hit }
        if pairs == nil { pairs = try store.planPairs() }
        // A pair no plan names has none: no query for it (ordinary supplier invoices, each of another supplier).
        guard pairs?.contains(key) == true else { return Self.noPlans }
        let read = PairPlans(try store.plans(supplierCVR: cvr, receiverEAN: ean).map { ($0, $0.identifier.map(Self.compact)) })
        cache[key] = read
        return read
    }

    func plan(for invoice: Invoice, variables: [String: Value], on date: LocalDate) throws -> [String: Value]? {
        guard case let .record(seller)? = variables["seller"], case let .string(cvr)? = seller["cvr"],
              case let .record(buyer)? = variables["buyer"], case let .string(ean)? = buyer["ean"] else { return nil }
        let pair = try plans(cvr: cvr, ean: ean)
        guard !pair.all.isEmpty else { return nil }
        var texts: [String] = []
        if case let .record(inv)? = variables["invoice"] {
            for key in ["identifiers", "texts"] { if case let .list(l)? = inv[key] { for case let .string(s) in l { texts.append(s) } } }
        }
        let readable = Self.identifierCandidates(texts)
        // Only the plans that can match are scored (a pair may have thousands, one per contract), in their order.
        let candidates = pair.candidates(readable)
        func matchedBy(_ p: PaymentPlan, _ compactIdentifier: String?) -> (rank: Int, how: String)? {
            var how: [String] = []
            if let order = p.orderNumber {
                guard invoice.purchaseOrderReference?.trimmingWhitespace(includingNewlines: false) == order else { return nil }
                how.append("order number")
            }
            if let prefix = p.invoicePrefix {
                guard invoice.invoiceNumber?.hasPrefix(prefix) == true else { return nil }
                how.append("invoice-number prefix")
            }
            if let ident = p.identifier {
                guard let needle = compactIdentifier, !needle.isEmpty, readable.contains(needle) else { return nil }
                how.append("identifier \(ident)")
            }
            return (how.count, how.isEmpty ? "supplier and receiver" : how.joined(separator: " + "))
        }
        let scored = candidates.compactMap { c in matchedBy(c.plan, c.identifier).map { (c.plan, $0) } }
        let asOf = invoice.issueDate ?? date
        func inForce(_ q: PaymentPlan) -> Bool { asOf <= q.validTo && asOf >= q.validFrom }
        // The most specific plan: the most kinds of criteria met, then the longest invoice-number prefix (7001299 is
        // rather 70012's than 7001's); then the one in force on the invoice's date (a renewal that starts later does
        // not take the invoices of the plan it renews), then the latest valid_to (a renewal over the plan it renews).
        func specificity(_ p: PaymentPlan, _ m: (rank: Int, how: String)) -> (Int, Int) { (m.rank, p.invoicePrefix?.count ?? 0) }
        guard let best = scored.max(by: { a, b in
            let x = specificity(a.0, a.1), y = specificity(b.0, b.1)
            return (x.0, x.1, inForce(a.0) ? 1 : 0, a.0.validTo) < (y.0, y.1, inForce(b.0) ? 1 : 0, b.0.validTo)
        }) else { return nil }
        let p = best.0
        // Other plans as specific and in force as well: which one the invoice is for is a person's call.
        let mine = specificity(p, best.1)
        let others = inForce(p) ? scored.filter { $0.0.id != p.id && specificity($0.0, $0.1) == mine && inForce($0.0) }.map(\.0.id).sorted() : []
        // A plan with a cadence is paid once a period: the period the invoice is for (its invoicing period's start),
        // else the one it was issued in; a resend of November's bill issued in December is still November's.
        let periodDate = p.cadence == nil ? asOf : (invoice.invoicingPeriod?.startDate ?? asOf)
        return [
            "id": .string(p.id), "name": p.name.map { .string($0) } ?? .null, "kind": .string(p.kind), "account": .string(p.account),
            "vat_code": p.vatCode.map { .string($0) } ?? .null, "dimensions": .record(p.dimensions.mapValues { .string($0) }),
            "min_amount": p.minAmount.map { .number($0) } ?? .null, "max_amount": p.maxAmount.map { .number($0) } ?? .null,
            "cadence": p.cadence.map { .string($0) } ?? .null, "valid_from": .date(p.validFrom), "valid_to": p.isOpenEnded ? .null : .date(p.validTo),
            "expired": .bool(!inForce(p)),
            "period_key": .string(Self.periodKey(periodDate, p.cadence)), "matched_by": .string(best.1.how),
            "others": .list(others.map { .string($0) }), "scope": .string(Self.scope(p)),
        ]
    }

    func hasPlans(for invoice: Invoice, variables: [String: Value]) throws -> Bool {
        guard case let .record(seller)? = variables["seller"], case let .string(cvr)? = seller["cvr"],
              case let .record(buyer)? = variables["buyer"], case let .string(ean)? = buyer["ean"] else { return false }
        return try !plans(cvr: cvr, ean: ean).all.isEmpty
    }

    /// What a plan covers — supplier, receiver and its criteria — and so the same for a plan and its renewal, or a plan
    /// ended and added again with another amount: a history key with it (not the plan's id) pays a period once across them.
    static func scope(_ p: PaymentPlan) -> String {
        var parts = [p.supplierCVR, p.receiverEAN]
        if let o = p.orderNumber { parts.append("order " + o) }
        if let x = p.invoicePrefix { parts.append("prefix " + x) }
        if let i = p.identifier { parts.append("identifier " + compact(i)) }
        return parts.joined(separator: "/")
    }

    /// `2026-11`, `2026-Q4`, `2026` by cadence; the issue date otherwise.
    static func periodKey(_ d: LocalDate, _ cadence: String?) -> String {
        switch cadence {
        case "monthly": return String(d.description.prefix(7))
        case "quarterly": return "\(d.year)-Q\((d.month - 1) / 3 + 1)"
        case "yearly": return "\(d.year)"
        default: return d.description
        }
    }

    static func compact(_ s: String) -> String { Identifiers.compacted(s) }

    /// The compacted words of a plain-ASCII text, read by the bytes (as the general reading gives them: letters
    /// upper-cased, digits kept, `-`, `/` and `.` inside a word dropped, anything else between words); nil for any
    /// other text. Every plan invoice's texts are read, most of them plain ASCII.
    static func asciiWords(_ text: String) -> [String]? {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        var words: [String] = []
        var word: [UInt8] = []
        func end() {
            if !word.isEmpty { words.append(String(decoding: word, as: UTF8.self)); word.removeAll(keepingCapacity: true) }
        }
        for b in text.utf8 {
            switch b {
            case 0x30...0x39, 0x41...0x5A: word.append(b)
            case 0x61...0x7A: word.append(b - 0x20)
            case 0x2D, 0x2E, 0x2F: continue
            default: end()
            }
        }
        end()
        return words
    }

    /// The identifier values a text can be read as: each word (letters, digits, `-`, `/`, `.` inside it) without its
    /// separators, and each run of consecutive digit groups joined (a phone number written `40 11 22 33`).
    /// A plan's identifier must equal one of them — `K-2` is not found in `K-24`.
    static func identifierCandidates(_ texts: [String]) -> Set<String> {
        var out = Set<String>()
        for text in texts {
            let words = asciiWords(text) ?? text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "/" || $0 == ".") })
                .map { compact(String($0)) }.filter { !$0.isEmpty }
            out.formUnion(words)
            var i = 0
            while i < words.count {
                guard words[i].allSatisfy(\.isNumber) else { i += 1; continue }
                var joined = words[i]
                var j = i + 1
                while j < words.count, words[j].allSatisfy(\.isNumber), j - i < 8 {
                    joined += words[j]
                    out.insert(joined)
                    j += 1
                }
                i += 1
            }
        }
        return out
    }
}
