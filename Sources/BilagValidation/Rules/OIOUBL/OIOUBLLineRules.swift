import BilagCore

/// The OIOUBL line rules as the official OIOUBL Schematron (release 1.12.2) states them: line amount = quantity ×
/// price / base quantity within ±1.00 (F-INV340/343/348, F-CRN210/194/216, by whether the quantity's and the base
/// quantity's unit codes are equal, different or not both given; without a pricing exchange rate), the line's ID,
/// quantity, TaxTotal and amount, at least two decimals on the line amount, the allowance and charge amounts.
///
/// The line arithmetic is XPath 1.0 arithmetic, which is IEEE double: computed here in `Double` as the official rule
/// computes it, so the verdict is the official one also at the ±1.00 boundary (docs/validation.md).
enum OIOUBLLineRules {
    enum Units { case equal, different, neither }

    /// The line's amount against quantity × price, as the rule for `units` states it.
    static func amountOff(_ line: WrittenElement, _ doc: WrittenElement, _ units: Units) -> Bool {
        let quantityName: StaticString = doc.is("CreditNote") ? "CreditedQuantity" : "InvoicedQuantity"
        let free = line.has("FreeOfChargeIndicator") && !line.eq("FreeOfChargeIndicator", "false")
        guard !free else { return false }
        let price = line.child("Price")
        let qUnit = line.child(quantityName)?.attribute("unitCode")
        let bUnit = price?.child("BaseQuantity")?.attribute("unitCode")
        let actual: Units = (qUnit != nil && bUnit != nil) ? (qUnit == bUnit ? .equal : .different) : .neither
        guard actual == units else { return false }
        guard let q = XPath.number(line.string(quantityName)), let p = XPath.number(price?.string("PriceAmount") ?? "") else { return false }
        let lea = line.string("LineExtensionAmount")
        guard let amount = XPath.number(XPath.normalizeSpace(lea).isEmpty ? "0" : lea) else { return false }
        let calculated: Double
        if units == .different {
            let f = price?.string("OrderableUnitFactorRate") ?? ""
            guard let factor = XPath.number(XPath.normalizeSpace(f).isEmpty ? "1" : f) else { return false }
            calculated = p * q * factor
        } else {
            let b = price?.string("BaseQuantity") ?? ""
            guard let base = XPath.number(XPath.normalizeSpace(b).isEmpty ? "1" : b) else { return false }
            calculated = (p * q) / base
        }
        guard calculated.isFinite else { return false }
        return amount < calculated - 1.00 || amount > calculated + 1.00
    }

    static func lineAmount(_ invoiceID: String, _ creditNoteID: String, _ units: Units) -> [any Rule] {
        WrittenRule.pair(invoiceID, creditNoteID, "Line LineExtensionAmount must equal quantity × PriceAmount / BaseQuantity (within 1.00)") { doc, at in
            // Not stated with a pricing exchange rate (the other rules, F-INV326…, are).
            guard !doc.has("PricingExchangeRate") else { return }
            for line in doc.lines where amountOff(line, doc, units) { at.append("\(line.name)/cbc:LineExtensionAmount") }
        }
    }

    /// A rule on each line.
    static func eachLine(_ invoiceID: String, _ creditNoteID: String, _ message: String, _ broken: @escaping (WrittenElement, WrittenElement) -> Bool) -> [any Rule] {
        WrittenRule.pair(invoiceID, creditNoteID, message) { doc, at in
            for line in doc.lines where broken(line, doc) { at.append(line.name) }
        }
    }

    /// Calls `body` with each allowance and charge F-LIB228 is stated on, in this order: the document's, then each
    /// line's own, its `BillingReference/BillingReferenceLine/AllowanceCharge` and its `Price/AllowanceCharge`.
    static func forEachAllowanceCharge(_ doc: WrittenElement, _ body: (WrittenElement) -> Void) {
        for ac in OIOUBLPlaces.allowanceCharges(doc) { body(ac) }
        for line in doc.lines {
            line.forEach("AllowanceCharge", body)
            line.forEach(["BillingReference", "BillingReferenceLine", "AllowanceCharge"], body)
            line.forEach(["Price", "AllowanceCharge"], body)
        }
    }

    static let all: [any Rule] =
        lineAmount("F-INV340", "F-CRN210", .equal)
        + lineAmount("F-INV343", "F-CRN194", .different)
        + lineAmount("F-INV348", "F-CRN216", .neither)
        + eachLine("F-INV140", "F-CRN084", "Invalid line ID. Must contain a value.") { line, _ in line.isBlank("ID") }
        + eachLine("F-INV138", "F-CRN081", "One or more TaxTotal classes must be present on the line") { line, _ in line.count("TaxTotal") == 0 }
        + eachLine("F-INV149", "F-CRN089", "Invalid line LineExtensionAmount. Must have at least 2 decimals") { line, _ in
            line.anyChild("LineExtensionAmount") { XPath.decimals($0.textBytes) < 2 }
        }
        + WrittenRule.pair("F-INV120", "F-CRN066", "Invalid LegalMonetaryTotal/LineExtensionAmount. Must contain a value") { doc, at in
            for t in OIOUBLPlaces.totals(doc) where t.isBlank("LineExtensionAmount") { at.append("cac:LegalMonetaryTotal/cbc:LineExtensionAmount") }
        }
        + [
            WrittenRule("F-INV137", .invoice, "Invalid InvoicedQuantity. Must contain a value") { doc, at in
                for line in doc.lines where line.isBlank("InvoicedQuantity") { at.append("cac:InvoiceLine/cbc:InvoicedQuantity") }
            },
            WrittenRule("F-CRN196", .creditNote, "Invalid CreditedQuantity. Must contain a value") { doc, at in
                for line in doc.lines where !line.ne("CreditedQuantity", "") { at.append("cac:CreditNoteLine/cbc:CreditedQuantity") }
            },
            WrittenRule("F-CRN207", .creditNote, "Invalid CreditNoteLine/LineExtensionAmount. Must contain a value") { doc, at in
                for line in doc.lines where line.isBlank("LineExtensionAmount") { at.append("cac:CreditNoteLine/cbc:LineExtensionAmount") }
            },
            WrittenRule("F-CRN082", .creditNote, "One Item class must be present when CreditNoteLine/BillingReference is not specified") { doc, at in
                for line in doc.lines where !line.has("Item") && !line.has("BillingReference") { at.append("cac:CreditNoteLine") }
            },
            WrittenRule("F-CRN083", .creditNote, "One Price class must be present when CreditNoteLine/BillingReference is not specified") { doc, at in
                for line in doc.lines where !line.has("Price") && !line.has("BillingReference") { at.append("cac:CreditNoteLine") }
            },
            WrittenRule("F-LIB019", "Invalid amount or quantity: must not be negative or zero (AllowanceCharge Amount/BaseAmount, Price BaseQuantity/OrderableUnitFactorRate)") { doc, at in
                // not(starts-with(., '-')) and . != 0 (NaN != 0 holds).
                func check(_ v: WrittenElement) { if XPath.negative(v.textBytes) || XPath.number(v.textBytes) == 0 { at.append(v.name) } }
                for ac in OIOUBLPlaces.allowanceCharges(doc) { ac.forEach("Amount", check) }
                for ac in OIOUBLPlaces.allowanceCharges(doc) { ac.forEach("BaseAmount", check) }
                for line in doc.lines {
                    line.forEach(["BillingReference", "BillingReferenceLine", "AllowanceCharge", "Amount"], check)
                    line.forEach(["BillingReference", "BillingReferenceLine", "AllowanceCharge", "BaseAmount"], check)
                    line.forEach(["Price", "BaseQuantity"], check)
                    line.forEach(["Price", "OrderableUnitFactorRate"], check)
                }
            },
            WrittenRule("F-LIB228", "Amount must equal BaseAmount * MultiplierFactorNumeric") { doc, at in
                forEachAllowanceCharge(doc) { ac in
                    guard ac.has("MultiplierFactorNumeric"), let a = XPath.number(ac.string("Amount")), let b = XPath.number(ac.string("BaseAmount")),
                          let m = XPath.number(ac.string("MultiplierFactorNumeric")) else { return }
                    let d = a - b * m
                    if d < -1.00 || d > 1.00 { at.append("cac:AllowanceCharge/cbc:Amount") }
                }
            },
        ]
}
