import BilagCore
import Foundation

/// The kinds of document the generator writes.
public enum InvoiceFormat: String, Sendable, Codable, CaseIterable {
    /// PEPPOL BIS Billing 3.0 UBL Invoice (type code 380).
    case peppolInvoice = "peppol-invoice"
    /// PEPPOL BIS Billing 3.0 UBL CreditNote (type code 381).
    case peppolCreditNote = "peppol-credit-note"
    /// OIOUBL 2.1 Invoice (NemHandel).
    case oioublInvoice = "oioubl-invoice"
}

/// What a caller wants fixed in a generated invoice; everything left nil is drawn from the seed.
public struct InvoiceSpec: Sendable {
    public var format: InvoiceFormat?
    public var invoiceNumber: String?
    public var issueDate: LocalDate?
    /// Days from issue to due date.
    public var paymentDays: Int?
    /// A supplier of `InvoiceDirectory.suppliers` by index (its lines of business decide the items).
    public var supplierIndex: Int?
    /// Overrides the supplier's CVR number (8 digits, a `DK` prefix is dropped); also its VAT number `DK…`. Written as given, valid or not.
    public var supplierCVR: String?
    public var supplierName: String?
    /// Overrides the supplier's GLN endpoint.
    public var supplierGLN: String?
    /// Overrides the receiver's EAN (GLN endpoint); a known one also brings its name and address.
    public var buyerEAN: String?
    public var buyerName: String?
    /// The buyer's order number (`cac:OrderReference/cbc:ID`); "" leaves it out.
    public var orderReference: String?
    /// The buyer reference (BT-10, in OIOUBL the contact ID); "" leaves it out (then an order reference is forced for BIS 3).
    public var buyerReference: String?
    /// A document note (BT-22); "" for none.
    public var note: String?
    /// How many lines to draw (1–15) when `lines` is nil.
    public var lineCount: Int?
    /// Exact lines instead of drawn ones.
    public var lines: [LineSpec]?
    /// true: always a document-level discount; false: never; nil: sometimes.
    public var documentAllowance: Bool?
    /// The file name under the folder `write` fills; default `NUMBER.xml`.
    public var fileName: String?

    public init(format: InvoiceFormat? = nil, invoiceNumber: String? = nil, issueDate: LocalDate? = nil, paymentDays: Int? = nil,
                supplierIndex: Int? = nil, supplierCVR: String? = nil, supplierName: String? = nil, supplierGLN: String? = nil,
                buyerEAN: String? = nil, buyerName: String? = nil, orderReference: String? = nil, buyerReference: String? = nil,
                note: String? = nil, lineCount: Int? = nil, lines: [LineSpec]? = nil, documentAllowance: Bool? = nil, fileName: String? = nil) {
        self.format = format; self.invoiceNumber = invoiceNumber; self.issueDate = issueDate; self.paymentDays = paymentDays
        self.supplierIndex = supplierIndex; self.supplierCVR = supplierCVR; self.supplierName = supplierName; self.supplierGLN = supplierGLN
        self.buyerEAN = buyerEAN; self.buyerName = buyerName; self.orderReference = orderReference; self.buyerReference = buyerReference
        self.note = note; self.lineCount = lineCount; self.lines = lines; self.documentAllowance = documentAllowance; self.fileName = fileName
    }
}

/// One line a caller fixes: quantity and unit price as exact decimals (at most 2 decimals each).
public struct LineSpec: Sendable {
    public var name: String
    public var quantity: Amount
    public var unitPrice: Amount
    public var unit: String
    public var vat: VATCategory
    public var exemptionReason: String?
    public init(name: String, quantity: Amount, unitPrice: Amount, unit: String = "H87", vat: VATCategory = .standard, exemptionReason: String? = nil) {
        self.name = name; self.quantity = quantity; self.unitPrice = unitPrice; self.unit = unit; self.vat = vat
        self.exemptionReason = exemptionReason ?? (vat == .exempt ? InvoiceDirectory.exemptHealth : nil)
    }
}

/// A generated line; money in øre, quantity in hundredths, so every figure is an exact integer.
public struct GeneratedLine: Sendable {
    public var id: Int
    public var name: String
    public var unit: String
    /// Quantity × 100.
    public var quantityHundredths: Int64
    /// Unit price in øre.
    public var price: Int64
    /// Net amount in øre: quantity × price, rounded half away from zero to whole øre.
    public var net: Int64
    public var vat: VATCategory
    public var exemptionReason: String?
    public var sellersItemID: String
}

/// A document-level allowance (discount) on the standard-rated lines.
public struct GeneratedAllowance: Sendable {
    public var reason: String
    /// Percent of `base`.
    public var percent: Int
    public var base: Int64
    public var amount: Int64
}

/// One VAT breakdown row (BG-23).
public struct GeneratedSubtotal: Sendable {
    public var category: VATCategory
    public var taxable: Int64
    public var tax: Int64
    public var exemptionReason: String?
}

/// A generated invoice: its figures (øre) and its XML.
public struct GeneratedInvoice: Sendable {
    public var index: Int
    public var format: InvoiceFormat
    public var fileName: String
    public var number: String
    public var uuid: String
    public var issueDate: LocalDate
    public var dueDate: LocalDate
    public var deliveryDate: LocalDate
    public var supplier: Supplier
    public var buyer: Buyer
    /// The buyer's order number; nil when none (OIOUBL, which requires `cac:OrderReference`, then writes `NA`).
    public var orderReference: String?
    /// BT-10 in BIS 3; OIOUBL carries it as the buyer contact's ID (`NA` when nil).
    public var buyerReference: String?
    public var note: String?
    /// For credit notes: the invoice credited.
    public var creditedInvoice: String?
    public var paymentMeansCode: String
    public var lines: [GeneratedLine]
    public var allowance: GeneratedAllowance?
    public var subtotals: [GeneratedSubtotal]

    /// BT-106: sum of line net amounts.
    public var lineExtension: Int64 { lines.reduce(0) { $0 + $1.net } }
    /// BT-107
    public var allowanceTotal: Int64 { allowance?.amount ?? 0 }
    /// BT-109: without VAT.
    public var taxExclusive: Int64 { lineExtension - allowanceTotal }
    /// BT-110: total VAT.
    public var vat: Int64 { subtotals.reduce(0) { $0 + $1.tax } }
    /// BT-112: with VAT.
    public var taxInclusive: Int64 { taxExclusive + vat }
    /// BT-115: to pay.
    public var payable: Int64 { taxInclusive }

    /// The XML bytes.
    public var xml: Data { InvoiceXML.render(self) }
}

/// Generates realistic, valid Danish e-invoices deterministically from a seed: PEPPOL BIS 3 invoices, a few BIS 3
/// credit notes and OIOUBL 2.1 invoices, from ~50 suppliers to a handful of municipal receivers, 1–15 lines with
/// 25 % VAT and some zero-rated or exempt lines, sometimes a document-level discount, every total exact.
///
/// `invoice(index:)` is random access: invoice *i* of seed *s* is the same on every run and independent of the others.
/// Invoice numbers are unique per (seed, index).
public struct InvoiceGenerator: Sendable {
    public let seed: UInt64

    /// Shares in percent: BIS 3 invoices, BIS 3 credit notes, OIOUBL invoices.
    public var mix: (peppolInvoice: Int, peppolCreditNote: Int, oioubl: Int) = (65, 5, 30)

    public init(seed: UInt64 = 1) { self.seed = seed }

    /// Invoice number `index` as a file name and its bytes.
    public func invoice(index: Int) -> (fileName: String, xml: Data) {
        let g = document(index: index)
        return (g.fileName, g.xml)
    }

    /// Invoice number `index`, with some fields fixed by `spec`, as a file name and its bytes.
    public func invoice(index: Int, spec: InvoiceSpec) -> (fileName: String, xml: Data) {
        let g = document(index: index, spec: spec)
        return (g.fileName, g.xml)
    }

    /// Writes invoices `start ..< start + count` into `folder` (created if missing), each by a temporary name and a rename
    /// (so a watching bilag with `readiness: rename` never sees half a file). Returns the file names and the bytes written.
    @discardableResult
    public func write(count: Int, to folder: String, startingAt start: Int = 0, spec: InvoiceSpec = InvoiceSpec()) throws -> (files: [String], bytes: Int64) {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var names: [String] = []
        names.reserveCapacity(count)
        var total: Int64 = 0
        for i in start..<(start + count) {
            let (name, data) = invoice(index: i, spec: spec)
            let tmp = folder + "/." + name + ".tmp"
            guard FileManager.default.createFile(atPath: tmp, contents: data) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: tmp])
            }
            guard rename(tmp, folder + "/" + name) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: folder + "/" + name]) }
            names.append(name)
            total += Int64(data.count)
        }
        return (names, total)
    }

    /// The invoice's figures and XML.
    public func document(index: Int, spec: InvoiceSpec = InvoiceSpec()) -> GeneratedInvoice {
        var rng = SplitMix64(seed: seed, stream: 1, index: UInt64(truncatingIfNeeded: index))

        // What kind of document.
        let roll = rng.int(0...99)
        let drawn: InvoiceFormat = roll < mix.peppolInvoice ? .peppolInvoice : roll < mix.peppolInvoice + mix.peppolCreditNote ? .peppolCreditNote : .oioublInvoice
        let format = spec.format ?? drawn

        // Who.
        let suppliers = InvoiceDirectory.suppliers
        var supplier = suppliers[(spec.supplierIndex ?? rng.int(0...(suppliers.count - 1))) % suppliers.count]
        if let cvr = spec.supplierCVR { supplier.cvr = cvr.uppercased().hasPrefix("DK") ? String(cvr.dropFirst(2)) : cvr }
        if let name = spec.supplierName { supplier.name = name }
        if let gln = spec.supplierGLN { supplier.gln = gln }
        let buyers = InvoiceDirectory.buyers
        var buyer = buyers[rng.int(0...(buyers.count - 1))]
        if let ean = spec.buyerEAN {
            if let known = buyers.first(where: { $0.ean == ean }) { buyer = known } else { buyer.ean = ean }
        }
        if let name = spec.buyerName { buyer.name = name }

        // When.
        let issue = spec.issueDate ?? LocalDate(year: 2026, month: 1, day: 2)!.adding(days: rng.int(0...330))
        let paymentDays = spec.paymentDays ?? rng.pick([8, 14, 30, 30, 30, 45])
        let delivery = issue.adding(days: -rng.int(0...14))

        // Numbers: unique per (seed, index), shaped like a supplier's own series.
        let number = spec.invoiceNumber ?? "\(supplier.numberPrefix)-\(Self.seedTag(seed))-\(String(index + 1).leftPadded(7))"
        let uuid = Self.uuid(&rng)

        // References.
        var orderReference: String? = rng.chance(60) ? "PO-\(issue.year)-\(String(rng.int(1...999_999)).leftPadded(6))" : nil
        var buyerReference: String? = rng.chance(85) ? String(rng.int(1000...9999)) : nil
        if let o = spec.orderReference { orderReference = o.isEmpty ? nil : o }
        if let b = spec.buyerReference { buyerReference = b.isEmpty ? nil : b }
        if orderReference == nil && buyerReference == nil { buyerReference = String(rng.int(1000...9999)) } // PEPPOL-EN16931-R003
        var note: String? = rng.chance(20) ? rng.pick(["Leveret jf. aftale", "Tak for handlen", "Betaling senest på forfaldsdagen", "Vedr. rammeaftale \(issue.year)", "Ved spørgsmål kontakt \(supplier.contactName)"]) : nil
        if let n = spec.note { note = n.isEmpty ? nil : n }

        // Lines.
        var lines: [GeneratedLine] = []
        if let fixed = spec.lines, !fixed.isEmpty {
            for (i, l) in fixed.enumerated() {
                let q = l.quantity.minorUnits, p = l.unitPrice.minorUnits
                let vat: VATCategory = format == .oioublInvoice && l.vat == .exempt ? .zero : l.vat
                lines.append(GeneratedLine(id: i + 1, name: l.name, unit: l.unit, quantityHundredths: q, price: p, net: Self.divRound(q * p, 100),
                                           vat: vat, exemptionReason: vat == .exempt ? l.exemptionReason : nil, sellersItemID: String(100_000 + i)))
            }
        } else {
            let count = max(1, min(15, spec.lineCount ?? Self.lineCount(&rng)))
            let items = InvoiceDirectory.categories[supplier.category].items
            for i in 0..<count {
                let item = rng.pick(items)
                var price = rng.int64(item.minPrice...item.maxPrice)
                // Typical price endings; OIOUBL line VAT must be exact in øre, so there prices are whole multiples of 4 øre.
                if format == .oioublInvoice { price -= price % 4 } else if rng.chance(50) { price = price / 100 * 100 + rng.pick([0, 0, 50, 95, 75, 25] as [Int64]) }
                if price <= 0 { price = 4 }
                var qty = Int64(rng.int(1...max(1, item.maxQuantity))) * 100
                if item.halves && rng.chance(40) { qty += 50; if price % 2 != 0 { price += 1 } }
                if format == .oioublInvoice && item.halves && qty % 100 != 0 && price % 8 != 0 { price += 8 - price % 8 } // keep net a multiple of 4 øre
                // OIOUBL has one zero-rate category (ZeroRated) for what BIS 3 splits into Z and E.
                let vat: VATCategory = format == .oioublInvoice && item.vat == .exempt ? .zero : item.vat
                lines.append(GeneratedLine(id: i + 1, name: item.name, unit: item.unit, quantityHundredths: qty, price: price, net: Self.divRound(qty * price, 100),
                                           vat: vat, exemptionReason: vat == .exempt ? item.exemptionReason : nil, sellersItemID: String(100_000 + rng.int(0...899_999))))
            }
        }

        // A document-level discount on the standard-rated lines, sometimes.
        let standardBase = lines.filter { $0.vat == .standard }.reduce(Int64(0)) { $0 + $1.net }
        var allowance: GeneratedAllowance?
        let wantAllowance = spec.documentAllowance ?? rng.chance(15)
        if wantAllowance && standardBase > 0 {
            let percent = rng.pick([2, 3, 5, 10])
            var amount = Self.divRound(standardBase * Int64(percent), 100)
            if format == .oioublInvoice { amount -= amount % 4 }
            if amount > 0 { allowance = GeneratedAllowance(reason: "Rabat", percent: percent, base: standardBase, amount: amount) }
        }

        // VAT breakdown: per category, taxable = lines − allowance; tax = taxable × rate, rounded to whole øre.
        var subtotals: [GeneratedSubtotal] = []
        for cat in VATCategory.allCases {
            let catLines = lines.filter { $0.vat == cat }
            guard !catLines.isEmpty else { continue }
            var taxable = catLines.reduce(Int64(0)) { $0 + $1.net }
            if cat == .standard { taxable -= allowance?.amount ?? 0 }
            let tax = Self.divRound(taxable * Int64(cat.percent), 100)
            subtotals.append(GeneratedSubtotal(category: cat, taxable: taxable, tax: tax, exemptionReason: cat == .exempt ? catLines.first?.exemptionReason : nil))
        }

        let credited: String? = format == .peppolCreditNote ? "\(supplier.numberPrefix)-\(Self.seedTag(seed))-K\(String(rng.int(1...9_999_999)).leftPadded(7))" : nil
        let paymentMeans = format == .oioublInvoice ? "42" : rng.pick(["42", "58", "58", "31"])
        let fileName = spec.fileName ?? Self.fileName(number)
        return GeneratedInvoice(index: index, format: format, fileName: fileName, number: number, uuid: uuid, issueDate: issue, dueDate: issue.adding(days: paymentDays),
                                deliveryDate: delivery, supplier: supplier, buyer: buyer, orderReference: orderReference, buyerReference: buyerReference, note: note,
                                creditedInvoice: credited, paymentMeansCode: paymentMeans, lines: lines, allowance: allowance, subtotals: subtotals)
    }

    /// Øre as an exact `Amount` with two decimals (for comparing with what the parser read).
    public static func amount(ore: Int64) -> Amount { Amount(Decimal(ore) / 100, scale: 2) }

    // MARK: helpers

    /// Few lines are common, many are rare: 1 (30 %), 2–3 (30 %), 4–7 (25 %), 8–15 (15 %).
    static func lineCount(_ rng: inout SplitMix64) -> Int {
        let r = rng.int(0...99)
        if r < 30 { return 1 }
        if r < 60 { return rng.int(2...3) }
        if r < 85 { return rng.int(4...7) }
        return rng.int(8...15)
    }

    /// `a / b` rounded half away from zero (b > 0).
    static func divRound(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? (a + b / 2) / b : -((-a + b / 2) / b)
    }

    /// Four base-36 characters of the seed, so invoices of different seeds in one Inbox never share a number.
    static func seedTag(_ seed: UInt64) -> String {
        String(String(SplitMix64.mix(seed) % 1_679_616, radix: 36).uppercased().leftPadded(4))
    }

    static func fileName(_ number: String) -> String {
        String(number.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }) + ".xml"
    }

    static func uuid(_ rng: inout SplitMix64) -> String {
        let a = rng.next(), b = rng.next()
        func hex(_ v: UInt64, _ digits: Int) -> String { String(String(v, radix: 16).leftPadded(digits).suffix(digits)) }
        // Version 4 layout.
        return "\(hex(a >> 32, 8))-\(hex((a >> 16) & 0xFFFF, 4))-4\(hex(a & 0xFFF, 3))-\(hex(0x8000 | (b >> 48) & 0x3FFF, 4))-\(hex(b & 0xFFFF_FFFF_FFFF, 12))"
    }
}

extension String {
    func leftPadded(_ width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
