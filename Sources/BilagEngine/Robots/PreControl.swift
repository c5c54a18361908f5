import BilagCore
import BilagRobots
import Foundation

/// Global stop rules applied to every invoice a robot would book (from Contempus.Invoice practice): amount over a
/// limit, a foreign currency, given suppliers, a due date already passed, and a reproducible random sample for
/// internal control. A stop sends the invoice to manual with its own reason; the robot's decision stays recorded.
public struct PreControl: Sendable, Equatable {
    /// Invoices whose amount due exceeds this go to manual (`precontrol-amount`).
    public var maxAmount: Amount?
    /// Invoices in another currency go to manual (`precontrol-currency`).
    public var localCurrency: String?
    /// Supplier keys (CVR, org.nr.) always stopped (`precontrol-supplier`).
    public var stopSuppliers: Set<String> = []
    /// Stop when the due date has passed (`precontrol-due-date`).
    public var stopWhenDueDatePassed = false
    /// Percentage (0–100, decimals allowed) of automated invoices drawn for internal control (`precontrol-sample`).
    public var samplePercent: Amount = .zero
    /// The seed of the draw: the same seed and invoice give the same draw, so the sample is reproducible.
    public var sampleSeed = "bilag"

    public init() {}

    /// The stop that applies, or nil; with a line for the trace either way.
    public func evaluate(_ inv: Invoice, invoiceID: String, today: LocalDate) -> (stop: (reason: String, message: String)?, trace: String) {
        // The currency first: the limit is in the local currency, and another currency's figures are not comparable
        // with it (JPY 320971 is no amount over DKK 250000, EUR 40000 is).
        if let localCurrency, let c = inv.documentCurrencyCode?.code, c != localCurrency {
            return (("precontrol-currency", "currency \(c) is not \(localCurrency); foreign-currency invoices need a currency documentation code"), "currency \(c)")
        }
        let due = inv.signedAmountDue ?? .zero
        if let maxAmount, due.magnitude > maxAmount {
            return (("precontrol-amount", "amount \(due) exceeds the pre-control limit of \(maxAmount)"), "amount over \(maxAmount)")
        }
        if let key = inv.sellerKey, stopSuppliers.contains(key) {
            return (("precontrol-supplier", "supplier \(key) is on the pre-control stop list"), "supplier stopped")
        }
        if stopWhenDueDatePassed, let d = inv.paymentDueDate, d < today {
            return (("precontrol-due-date", "the due date \(d) has passed"), "due date passed")
        }
        if samplePercent > .zero {
            let draw = Self.draw(seed: sampleSeed, invoiceID: invoiceID)
            let drawText = "sample draw \(draw)/10000 against \(samplePercent)% (seed \(sampleSeed))"
            if Amount(draw) < samplePercent * 100 {
                return (("precontrol-sample", "drawn for internal control: \(drawText)"), drawText)
            }
            return (nil, "passed; " + drawText)
        }
        return (nil, "passed")
    }

    /// A number 0..<10000 from the seed and the invoice id: reproducible, evenly spread.
    public static func draw(seed: String, invoiceID: String) -> Int {
        let h = RobotHash.sha256(Data("\(seed)|\(invoiceID)".utf8))
        return Int(UInt64(h.prefix(12), radix: 16)! % 10000)
    }
}
