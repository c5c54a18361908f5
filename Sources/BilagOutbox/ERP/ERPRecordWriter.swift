import BilagCore
import Foundation

/// Lays out one file of vouchers as an `ERPLayout` says: the header records, one record per chosen voucher line, the
/// trailer records; every value formatted, fitted to its width or quoted, the whole in the layout's character set.
struct ERPRecordWriter {
    let layout: ERPLayout
    let settings: [String: String]
    /// The zone whose date a timestamp is (`booked_date`, `period`, `created_date`).
    var timeZone: TimeZone = ERPWriter.defaultTimeZone

    /// The file's facts, for header and trailer fields (and lines that use them).
    struct FileFacts {
        var firstSeq: Int64 = 0, lastSeq: Int64 = 0
        var vouchers = 0, records = 0
        var sum = Amount(0, scale: 2), debit = Amount(0, scale: 2), credit = Amount(0, scale: 2)
        var created = ""
        /// Every record's voucher line, with its voucher's sequence number and document kind.
        var lines: [(seq: Int64, kind: DocumentKind, line: VoucherLine)] = []
        var batchID: String { "BILAG" + String(format: "%012lld", firstSeq) }

        /// The counts and sums of the records of `roles` on vouchers of `kinds` (all when nil).
        func narrowed(roles: [VoucherLine.Role]?, kinds: [DocumentKind]?) -> FileFacts {
            guard roles != nil || kinds != nil else { return self }
            var out = self
            let chosen = lines.filter { (roles ?? [$0.line.role]).contains($0.line.role) && (kinds ?? [$0.kind]).contains($0.kind) }
            out.lines = chosen
            out.records = chosen.count
            out.vouchers = Set(chosen.map(\.seq)).count
            out.sum = chosen.reduce(Amount(0, scale: 2)) { $0 + $1.line.amount }
            out.debit = chosen.reduce(Amount(0, scale: 2)) { $0 + $1.line.debit }
            out.credit = chosen.reduce(Amount(0, scale: 2)) { $0 + $1.line.credit }
            return out
        }
    }

    func render(_ vouchers: [Voucher], created: String) throws -> Data {
        var facts = FileFacts(firstSeq: vouchers.first?.seq ?? 0, lastSeq: vouchers.last?.seq ?? 0, vouchers: vouchers.count, created: created)
        var lines: [(Voucher, VoucherLine, Int)] = []
        for v in vouchers {
            let chosen = layout.roles.flatMap { role in v.lines.filter { $0.role == role } }
            for (i, l) in chosen.enumerated() {
                lines.append((v, l, i + 1))
                facts.lines.append((v.seq, v.booked.documentKind, l))
                facts.sum += l.amount; facts.debit += l.debit; facts.credit += l.credit
            }
        }
        facts.records = lines.count
        var text = ""
        if layout.columnNames { text += try record(layout.fields.map { $0.name ?? $0.source?.rawValue ?? "" }, fields: layout.fields, names: true) }
        for h in layout.header { text += try record(h.map { try value($0, nil, facts) }, fields: h) }
        for (v, l, n) in lines { text += try record(layout.fields.map { try value($0, (v, l, n), facts) }, fields: layout.fields) }
        for t in layout.trailer { text += try record(t.map { try value($0, nil, facts) }, fields: t) }
        return ERPText.encode(text, layout.charset)
    }

    /// One record: each field's value fitted (fixed) or quoted (separated), then the line end.
    func record(_ values: [String], fields: [ERPField], names: Bool = false) throws -> String {
        var parts: [String] = []
        let fixed = layout.format == .fixed
        for (written, f) in zip(values, fields) {
            let raw = ERPText.value(written, charset: layout.charset, fixed: fixed)
            parts.append(fixed ? try fit(raw, f, names: names) : try quoted(raw, f))
        }
        return parts.joined(separator: layout.format == .fixed ? "" : layout.separator) + layout.lineEnd.text
    }

    func fit(_ raw: String, _ f: ERPField, names: Bool) throws -> String {
        let width = f.width ?? raw.count
        var s = raw
        if s.count > width {
            guard f.truncate || names else {
                throw BilagError("outbox-layout", "the value '\(PersonalData.mask(raw))' of field \(f.label) is \(raw.count) characters; the layout gives it \(width)", remedy: "widen the field in the layout (or, for free text, set truncate: true); the ERP file was not written and is tried again")
            }
            s = String(s.prefix(width))
        }
        let numeric = f.source?.isNumber ?? false
        let pad = Character(f.pad ?? " ")
        let filler = String(repeating: pad, count: width - s.count)
        guard (f.align ?? (numeric ? .right : .left)) == .right else { return s + filler }
        // A leading sign stays in front of zeros padding an amount: -0001250,00, never 0000-1250,00.
        if pad == "0", f.source?.isAmount ?? false, let sign = s.first, sign == "-" || sign == "+" { return String(sign) + filler + s.dropFirst() }
        return filler + s
    }

    func quoted(_ raw: String, _ f: ERPField) throws -> String {
        let needs = raw.contains(layout.separator) || raw.contains(layout.quote) || raw.contains("\n") || raw.contains("\r")
        switch layout.quoting {
        case .all: return layout.quote + raw.replacingOccurrences(of: layout.quote, with: layout.quote + layout.quote) + layout.quote
        case .minimal: return needs ? layout.quote + raw.replacingOccurrences(of: layout.quote, with: layout.quote + layout.quote) + layout.quote : raw
        case .none:
            guard !needs else {
                throw BilagError("outbox-layout", "the value '\(PersonalData.mask(raw))' of field \(f.label) holds the separator, a quote or a line break, and the layout quotes nothing", remedy: "set quoting: minimal in the layout, or choose another separator")
            }
            return raw
        }
    }

    /// What a field holds on a line (`line` given) or in a header/trailer (`line` nil), formatted.
    func value(_ f: ERPField, _ line: (Voucher, VoucherLine, Int)?, _ file: FileFacts) throws -> String {
        if let constant = f.value { return constant }
        guard let source = f.source else { return "" }
        if let roles = f.roles, let l = line?.1, !roles.contains(l.role) { return "" }
        if let kinds = f.documents, let v = line?.0, !kinds.contains(v.booked.documentKind) { return "" }
        // A file's count or sum in a header or trailer counts the records `roles:` and `documents:` name.
        let file = line == nil && source.isFileTotal ? file.narrowed(roles: f.roles, kinds: f.documents) : file
        var out: String
        switch source {
        case .recordCount: out = String(file.records)
        case .voucherCount: out = String(file.vouchers)
        case .amountSum: out = amount(file.sum)
        case .debitSum: out = amount(file.debit, unsigned: true)
        case .creditSum: out = amount(file.credit, unsigned: true)
        case .createdDate: out = date(file.created, f)
        case .firstSeq: out = String(file.firstSeq)
        case .lastSeq: out = String(file.lastSeq)
        case .batchID: out = file.batchID
        case .setting:
            guard let v = settings[f.key ?? ""] else {
                throw BilagError("config-invalid", "the ERP layout's field \(f.label) reads the writer setting '\(f.key ?? "")', which bilag.yaml does not give", remedy: "add \(f.key ?? ""): VALUE under this writer in outbox.writers")
            }
            out = v
        default:
            guard let (v, l, n) = line else { return "" }
            out = lineValue(source, f, v, l, n)
        }
        if let map = f.map { out = map[out] ?? map["default"] ?? out }
        return out
    }

    func lineValue(_ source: ERPField.Source, _ f: ERPField, _ v: Voucher, _ l: VoucherLine, _ n: Int) -> String {
        let b = v.booked, d = b.details
        switch source {
        case .voucherNo: return String(v.seq)
        case .lineNo: return String(n)
        case .invoiceID: return b.invoiceID
        case .invoiceNumber: return b.invoiceNumber ?? ""
        case .supplierID: return d?.supplierLegalID ?? b.supplierKey ?? ""
        case .supplierName: return b.supplierName ?? ""
        case .supplierVAT: return d?.supplierVATNumber ?? ""
        case .supplierEndpoint: return d?.supplierEndpoint ?? ""
        case .issueDate: return date(b.issueDate ?? "", f)
        case .dueDate: return date(b.dueDate ?? "", f)
        case .bookedDate: return date(b.bookedAt, f)
        case .period: return String(localDate(b.bookedAt).prefix(7).filter(\.isNumber))
        case .currency: return b.currency ?? ""
        case .documentKind: return b.documentKind.rawValue
        case .account: return l.account
        case .dimension: return l.dimensions[f.key ?? ""] ?? ""
        case .vatCode: return l.vatCode ?? ""
        case .vatRate: return l.vatRate?.description ?? ""
        case .amount: return amount(l.amount)
        case .companyAmount:
            let company = settings[f.key ?? "company_currency"] ?? "DKK"
            return b.currency == nil || b.currency == company ? amount(l.amount) : ""
        case .debit: return amount(l.debit, unsigned: true)
        case .credit: return amount(l.credit, unsigned: true)
        case .debitCredit: return l.amount.value < 0 ? "C" : "D"
        case .text: return (l.text ?? "").replacingOccurrences(of: "\n", with: " ")
        case .role: return l.role.rawValue
        case .paymentMeans: return d?.payment?.code ?? ""
        case .paymentAccount: return d?.payment?.account ?? ""
        case .paymentBIC: return d?.payment?.bic ?? ""
        case .paymentID: return d?.payment?.paymentID ?? ""
        case .buyerReference: return d?.buyerReference ?? ""
        case .orderReference: return d?.orderReference ?? ""
        default: return ""
        }
    }

    /// An amount as the layout writes it: its decimals and separator (or whole minor units), its sign convention.
    func amount(_ a: Amount, unsigned: Bool = false) -> String {
        let negative = a.value < 0 && !unsigned
        let magnitude = a.value < 0 ? -a : a
        var s: String
        if layout.amounts.minorUnits {
            s = DecimalText.format(magnitude.rounded(layout.amounts.decimals).value * pow(10, layout.amounts.decimals), scale: 0)
        } else {
            s = DecimalText.format(magnitude.rounded(layout.amounts.decimals).value, scale: layout.amounts.decimals)
            if layout.amounts.decimalSeparator != "." { s = s.replacingOccurrences(of: ".", with: layout.amounts.decimalSeparator) }
        }
        guard negative else { return s }
        switch layout.amounts.sign {
        case .minus: return "-" + s
        case .trailing: return s + "-"
        case .none: return s
        }
    }

    /// A date (`2026-12-03`, or a UTC timestamp: the date it is in `timeZone`) in the field's or the layout's pattern.
    func date(_ iso: String, _ f: ERPField) -> String {
        let u = Array(localDate(iso).prefix(10))
        guard u.count == 10 else { return "" }
        let (y, m, d) = (String(u[0..<4]), String(u[5..<7]), String(u[8..<10]))
        return (f.date ?? layout.dateFormat).replacingOccurrences(of: "yyyy", with: y).replacingOccurrences(of: "yy", with: String(y.suffix(2)))
            .replacingOccurrences(of: "MM", with: m).replacingOccurrences(of: "dd", with: d)
    }

    /// A UTC timestamp (`2026-11-30T23:30:00.000Z`) as the date it is in `timeZone` (`2026-12-01`); a plain date as
    /// it is.
    func localDate(_ iso: String) -> String {
        guard iso.count > 10, let moment = Timestamp.date(iso) else { return iso }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: moment)
        return LocalDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)?.description ?? String(iso.prefix(10))
    }
}
