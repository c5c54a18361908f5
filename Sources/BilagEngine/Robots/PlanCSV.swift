import BilagCore
import BilagRobots
import BilagStore

/// Reads plans from CSV (header: id,name,kind,supplier_cvr,receiver_ean,min_amount,max_amount,cadence,order_number,
/// invoice_prefix,identifier,account,dimensions,vat_code,valid_from,valid_to,note; dimensions as name=value;name=value;
/// valid_to empty for an open-ended plan; vat_code `exempt` for a posting without VAT).
public enum PlanCSV {
    public static func parse(_ text: String, by user: String, file: String = "plans.csv") throws -> [PaymentPlan] {
        let rows = try CSV.records(text, file: file)
        var plans: [PaymentPlan] = []
        for (i, r) in rows.enumerated() {
            func f(_ k: String) -> String? { r[k].flatMap { let t = $0.trimmingWhitespace(includingNewlines: false); return t.isEmpty ? nil : t } }
            do {
                plans.append(try PlanInput(id: f("id") ?? "", name: f("name"), kind: f("kind") ?? "payment-plan", supplierCVR: f("supplier_cvr") ?? "", receiverEAN: f("receiver_ean") ?? "",
                                           minAmount: f("min_amount"), maxAmount: f("max_amount"), cadence: f("cadence"), orderNumber: f("order_number"), invoicePrefix: f("invoice_prefix"),
                                           identifier: f("identifier"), account: f("account") ?? "", dimensions: f("dimensions"), vatCode: f("vat_code"), validFrom: f("valid_from") ?? "",
                                           validTo: f("valid_to") ?? "", note: f("note")).plan(by: user))
            } catch let e as BilagError {
                throw BilagError(e.code, "\(file) row \(i + 2): \(e.message)", remedy: e.remedy)
            }
        }
        return plans
    }
}

/// A plan as typed by a person or read from CSV, checked before it is stored.
public struct PlanInput {
    public var id: String, name: String?, kind: String, supplierCVR: String, receiverEAN: String, minAmount: String?, maxAmount: String?, cadence: String?
    public var orderNumber: String?, invoicePrefix: String?, identifier: String?, account: String, dimensions: String?, vatCode: String?, validFrom: String, validTo: String, note: String?

    public init(id: String, name: String?, kind: String, supplierCVR: String, receiverEAN: String, minAmount: String?, maxAmount: String?, cadence: String?, orderNumber: String?, invoicePrefix: String?, identifier: String?, account: String, dimensions: String?, vatCode: String?, validFrom: String, validTo: String, note: String?) {
        self.id = id; self.name = name; self.kind = kind; self.supplierCVR = supplierCVR; self.receiverEAN = receiverEAN; self.minAmount = minAmount; self.maxAmount = maxAmount; self.cadence = cadence
        self.orderNumber = orderNumber; self.invoicePrefix = invoicePrefix; self.identifier = identifier; self.account = account; self.dimensions = dimensions; self.vatCode = vatCode; self.validFrom = validFrom; self.validTo = validTo; self.note = note
    }

    public func plan(by user: String) throws -> PaymentPlan {
        guard !id.isEmpty else { throw BilagError("plan-invalid", "a plan needs an id") }
        guard ["payment-plan", "invoice-plan", "pre-posting"].contains(kind) else { throw BilagError("plan-invalid", "kind must be payment-plan, invoice-plan or pre-posting, not \(kind)") }
        let cvr = Identifiers.normalizedPartyKey(supplierCVR)
        guard Identifiers.isValidCVR(cvr) else { throw BilagError("plan-invalid", "supplier CVR \(supplierCVR) is not a valid CVR number") }
        guard Identifiers.isValidGLN(receiverEAN) else { throw BilagError("plan-invalid", "receiver EAN \(receiverEAN) is not a valid EAN/GLN (check digit)") }
        func amount(_ s: String?, _ what: String) throws -> Amount? {
            guard let s else { return nil }
            guard let a = Amount(parsing: s) else { throw BilagError("plan-invalid", "\(what) '\(s)' is not an amount") }
            return a
        }
        if let c = cadence, !["monthly", "quarterly", "yearly"].contains(c) { throw BilagError("plan-invalid", "cadence must be monthly, quarterly or yearly") }
        // valid_to may be left empty: an open-ended plan (a standing agreement), never expired, never due.
        let end = validTo.trimmingWhitespace(includingNewlines: false)
        guard let from = LocalDate(parsing: validFrom), let to = end.isEmpty ? PaymentPlan.openEnded : LocalDate(parsing: end), from <= to else {
            throw BilagError("plan-invalid", "valid_from must be a date (YYYY-MM-DD) and valid_to a date on or after it, or empty for an open-ended plan")
        }
        guard !account.isEmpty else { throw BilagError("plan-invalid", "a plan needs an account") }
        var dims: [String: String] = [:]
        for part in (dimensions ?? "").split(separator: ";") {
            let kv = part.split(separator: "=", maxSplits: 1).map { String($0).trimmingWhitespace(includingNewlines: false) }
            guard kv.count == 2, !kv[0].isEmpty else { throw BilagError("plan-invalid", "dimensions are name=value;name=value, not '\(part)'") }
            dims[kv[0]] = kv[1]
        }
        let min = try amount(minAmount, "min_amount"), max = try amount(maxAmount, "max_amount")
        if let min, let max, min > max { throw BilagError("plan-invalid", "min_amount is above max_amount") }
        return PaymentPlan(id: id, name: name, kind: kind, supplierCVR: cvr, receiverEAN: receiverEAN, minAmount: min, maxAmount: max, cadence: cadence, orderNumber: orderNumber,
                           invoicePrefix: invoicePrefix, identifier: identifier, account: account, dimensions: dims, vatCode: vatCode, validFrom: from, validTo: to, createdBy: user, note: note)
    }
}
