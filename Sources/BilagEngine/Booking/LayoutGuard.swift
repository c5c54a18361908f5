import BilagCore
import BilagOutbox
import BilagStore

/// The check made before a booking that an ERP writer's layout can hold it: a value the supplier chose (a payment
/// reference longer than the layout's field, a separator in free text) stopped the ERP writer at that booking, so no
/// later booking reached the ERP while their payments went out. Such a booking goes to the manual queue instead.
public struct LayoutGuard {
    public let outbox: Outbox

    public init(outbox: Outbox) { self.outbox = outbox }

    /// Why `booked` cannot be written by an ERP writer as it stands (the writer's name and its words), or nil.
    public func problem(for booked: BookedInvoice) -> (writer: String, message: String)? {
        for files in outbox.writers {
            guard let erp = files.writer as? ERPWriter else { continue }
            do {
                _ = try erp.render([OutboxEntry(seq: 1, booked: booked)])
            } catch let e as BilagError where e.code == "outbox-layout" {
                return (erp.name, e.message)
            } catch {
                continue   // anything else is the writer's own trouble (its flush reports it), not this booking's
            }
        }
        return nil
    }

    /// Turns a booking outcome into a manual one (`outbox-layout-refused`) when an ERP layout cannot hold it; true when
    /// it did.
    public func stopIfUnwritable(_ o: inout Outcome, trace: inout [TraceStep]) -> Bool {
        guard let booked = o.booked, let p = problem(for: booked) else { return false }
        let message = "the ERP writer \(p.writer) cannot write this booking: \(p.message); widen the field in the layout (docs/outbox.md), then retry the invoice, or book it by hand"
        trace.append(TraceStep(step: "erp layout", result: "\(Self.reason): \(message)"))
        var manual = Outcome(invoiceID: o.invoiceID, state: .manual, reasonCode: Self.reason, reasonMessage: message, actor: o.actor, action: "decided")
        manual.decisions = o.decisions
        o = manual
        return true
    }

    public static let reason = "outbox-layout-refused"
}
