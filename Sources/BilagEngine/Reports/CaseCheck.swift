import BilagCore
import BilagStore
import Foundation

/// Where bilag and its case systems disagree, invoice by invoice, for `bilag report check`: a booking released while a
/// write-back is not confirmed (approved by hand after a refusal, or from before write-backs held bookings), a
/// write-back that took effect for an invoice that is not booked and is not (yet) reversed, a booking held for a
/// write-back, a write-back given up whose effect is unknown, a compensation refused or not yet taken.
public struct CaseCheck: Encodable, Sendable {
    public struct Finding: Encodable, Sendable {
        public var invoiceID: String
        /// `booked-without-write-back`, `write-back-without-booking`, `held`, `write-back-unknown`, `compensation-pending`, `compensation-refused`
        public var kind: String
        public var message: String
        /// bilag's side: the invoice's state, whether its booking is released (in the Outbox's journal) or held.
        public var invoiceState: String
        public var booking: String
        /// The case systems' side: each write-back with its state.
        public var updates: [Store.CaseUpdateRow]
        enum CodingKeys: String, CodingKey { case invoiceID = "invoice_id", kind, message, invoiceState = "invoice_state", booking, updates }
    }

    public var findings: [Finding]
    public var ok: Bool { findings.isEmpty }
    enum CodingKeys: String, CodingKey { case ok, findings }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ok, forKey: .ok)
        try c.encode(findings, forKey: .findings)
    }

    public init(store: Store) throws {
        findings = []
        for s in try store.caseUpdateSubjects() {
            let booking = s.released ? "released" : s.held ? "held" : "none"
            let own = s.updates.filter { $0.compensates == nil }
            let reversals = Dictionary(s.updates.compactMap { u in u.compensates.map { ($0, u) } }, uniquingKeysWith: { a, _ in a })
            func add(_ kind: String, _ message: String) {
                findings.append(Finding(invoiceID: s.invoice.id, kind: kind, message: PersonalData.maskCPR(message), invoiceState: s.invoice.state.rawValue, booking: booking, updates: s.updates))
            }
            if s.released {
                // (A write-back given up and reversed, then done again under a new key by a re-run, is settled; so is
                // one whose reversal was refused, confirmed by a re-run under its own key.)
                let redone = { (u: Store.CaseUpdateRow) in ["sent", "refused"].contains(reversals[u.idempotencyKey]?.state) && own.contains { $0.state == "sent" && $0.connector == u.connector && $0.action == u.action && $0.id > u.id } }
                for u in own where u.state != "sent" && !redone(u) {
                    add("booked-without-write-back", "booked and released to the Outbox, but write-back \(u.connector)/\(u.action) is \(u.state)" + (u.lastError.map { " (\($0))" } ?? "") + ": do it in the case system by hand, or reverse the booking")
                }
            } else if s.held {
                let open = own.filter { $0.state == "pending" }
                add("held", "booking held until the case system confirms \(open.map { "\($0.connector)/\($0.action)" }.joined(separator: ", "))" + (open.compactMap(\.lastError).first.map { "; last error: \($0)" } ?? ""))
            } else {
                for u in own where u.state == "sent" || u.state == "failed" {
                    let effect = u.state == "sent" ? "took effect" : "was given up at the deadline (\(u.lastError ?? "")) and may have taken effect"
                    let reversal = reversals[u.idempotencyKey]
                    switch reversal?.state {
                    case "sent": continue
                    case "pending": add("compensation-pending", "write-back \(u.connector)/\(u.action) \(effect), but the invoice is \(s.invoice.state.rawValue); its reversal \(reversal!.action) is not yet taken" + (reversal?.lastError.map { " (\($0))" } ?? ""))
                    case "refused": add("compensation-refused", "write-back \(u.connector)/\(u.action) \(effect), but the invoice is \(s.invoice.state.rawValue), and the case system refused its reversal \(reversal!.action) (\(reversal?.lastError ?? "")): reverse it in the case system by hand")
                    default:
                        if u.state == "sent" {
                            add("write-back-without-booking", "write-back \(u.connector)/\(u.action) took effect, but the invoice is \(s.invoice.state.rawValue) and not booked; the robot names no reversal: reverse it in the case system by hand, or book the invoice")
                        } else {
                            add("write-back-unknown", "write-back \(u.connector)/\(u.action) \(effect); the robot names no reversal: check the case")
                        }
                    }
                }
            }
        }
    }
}

/// The case updates in brief, for `bilag status`: counts by state, bookings held, and every update that is failing,
/// refused or given up, with its error and since when.
public struct CaseUpdateStatus: Encodable, Sendable {
    public var counts: [String: Int]
    public var heldBookings: Int
    public var attention: [Store.CaseUpdateRow]
    enum CodingKeys: String, CodingKey { case counts, heldBookings = "held_bookings", attention }

    public init(store: Store) throws {
        counts = try store.caseUpdateCounts()
        heldBookings = try store.heldBookingCount()
        let listed = try store.caseUpdates(states: ["pending", "refused", "failed"], limit: 200).filter { $0.state != "pending" || $0.failingSince != nil }
        // A write-back refused or given up that a re-run did again since (confirmed under its key or `KEY-2`) is settled.
        var byInvoice: [String: [Store.CaseUpdateRow]] = [:]   // each invoice's write-backs read once
        attention = try listed.filter { u in
            guard u.state != "pending" else { return true }
            if byInvoice[u.invoiceID] == nil { byInvoice[u.invoiceID] = try store.caseUpdates(invoice: u.invoiceID) }
            let redone = byInvoice[u.invoiceID, default: []].contains {
                $0.compensates == nil && $0.state == "sent" && $0.connector == u.connector && $0.action == u.action && $0.id > u.id
            }
            return !redone
        }
    }

    public var lines: [String] {
        guard !counts.isEmpty else { return [] }
        var out = ["case updates: " + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "; \(heldBookings) booking(s) held until their write-backs are confirmed"]
        for u in attention {
            let when = u.state == "pending" ? "waiting for connector \(u.connector) since \(u.failingSince ?? u.createdAt), next try \(u.retryAt ?? "now")" : "\(u.state) by connector \(u.connector)"
            out.append("  invoice \(u.invoiceID) \(u.action): \(when)" + (u.lastError.map { ", last error: \(PersonalData.maskCPR($0))" } ?? ""))
        }
        return out
    }
}
