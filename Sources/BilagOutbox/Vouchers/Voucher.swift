import BilagCore
import BilagStore

/// One voucher per booked invoice (DK bilag, NO bilag): expense lines from its postings, VAT lines from its VAT
/// breakdown, the supplier payable, and what was prepaid or rounded. Debits equal credits to the cent, always: a
/// credit note's amounts are negative, so it posts reversed (the expense credited, the supplier debited).
///
/// Built from the `BookedInvoice` alone, the same way for every writer: an ERP layout chooses which lines and fields
/// it writes, never how the amounts are made.
public struct Voucher: Sendable, Hashable {
    public var seq: Int64
    public var booked: BookedInvoice
    public var lines: [VoucherLine]
    /// What the voucher needed on its rounding line beyond the invoice's own rounding amount to balance: zero when
    /// the postings and the VAT breakdown agree with the invoice's totals.
    public var unexplained: Amount

    /// The currency's minor unit (ISO 4217 exponent): the precision of every line.
    public var minorUnit: Int { Self.minorUnit(booked.currency) }
    public var debitTotal: Amount { lines.reduce(Amount(0, scale: minorUnit)) { $0 + $1.debit } }
    public var creditTotal: Amount { lines.reduce(Amount(0, scale: minorUnit)) { $0 + $1.credit } }
    /// The signed total of the lines with `role`.
    public func total(_ role: VoucherLine.Role) -> Amount { lines.filter { $0.role == role }.reduce(Amount(0, scale: minorUnit)) { $0 + $1.amount } }

    public init(_ entry: OutboxEntry, accounts: VoucherAccounts = VoucherAccounts()) {
        seq = entry.seq
        booked = entry.booked
        let booked = entry.booked
        let unit = Self.minorUnit(booked.currency)
        let cents = { (a: Amount) in a.rounded(unit) }
        let text = booked.invoiceNumber.map { "\(booked.supplierName ?? booked.supplierKey ?? "") \($0)".trimmingCharacters(in: .whitespaces) }
        var lines = booked.postings.map {
            VoucherLine(role: .expense, account: $0.account, dimensions: $0.dimensions, amount: cents($0.netAmount), vatCode: $0.vatCode, text: $0.text ?? text)
        }
        // VAT from the invoice's breakdown, under the postings' VAT code when they share one; a booking without a
        // breakdown (made before bilag kept one) posts its postings' VAT, by VAT code.
        let codes = Set(booked.postings.compactMap(\.vatCode))
        if let parts = booked.details?.vatBreakdown, !parts.isEmpty {
            for part in parts where !part.tax.value.isZero {
                let code = codes.count == 1 ? codes.first : nil
                lines.append(VoucherLine(role: .vat, account: accounts.vatAccount(code), amount: cents(part.tax), vatCode: code, vatRate: part.rate, text: text))
            }
        } else {
            for code in Set(booked.postings.map(\.vatCode)).sorted(by: { ($0 ?? "") < ($1 ?? "") }) {
                let tax = booked.postings.filter { $0.vatCode == code }.reduce(Amount.zero) { $0 + $1.vatAmount }
                if !tax.value.isZero { lines.append(VoucherLine(role: .vat, account: accounts.vatAccount(code), amount: cents(tax), vatCode: code, text: text)) }
            }
        }
        lines.append(VoucherLine(role: .payable, account: accounts.payable, amount: cents(-booked.amountDue), text: text))
        if let paid = booked.details?.paidAmount, !paid.value.isZero {
            lines.append(VoucherLine(role: .prepaid, account: accounts.prepaid, amount: cents(-paid), text: text))
        }
        let rounding = cents(booked.details?.roundingAmount ?? .zero)
        // Whatever else keeps the lines from balancing goes on the rounding line too, and is reported.
        let others = lines.reduce(Amount(0, scale: unit)) { $0 + $1.amount } + rounding
        unexplained = Amount(0, scale: unit) - others
        let balancing = rounding + unexplained
        if !balancing.value.isZero { lines.append(VoucherLine(role: .rounding, account: accounts.rounding, amount: balancing, text: text)) }
        self.lines = lines
    }

    /// ISO 4217 exponents that are not 2.
    static let exponents: [String: Int] = ["JPY": 0, "ISK": 0, "KRW": 0, "CLP": 0, "VND": 0, "BHD": 3, "KWD": 3, "JOD": 3, "OMR": 3, "TND": 3, "IQD": 3, "LYD": 3]

    /// The minor unit of a currency (2 unless ISO 4217 says otherwise, and for none given).
    public static func minorUnit(_ currency: String?) -> Int { currency.flatMap { exponents[$0.uppercased()] } ?? 2 }
}
