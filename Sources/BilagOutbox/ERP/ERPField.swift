import BilagCore

/// One field of an ERP layout's record: what it holds (`field:` a fact of the voucher line or of the file, or
/// `value:` a constant), and how it is written (width, alignment, padding, date pattern, a value map, the voucher
/// lines it is filled on).
public struct ERPField: Decodable, Sendable, Equatable {
    /// The column's name: the CSV header's, and the one error messages use.
    public var name: String?
    public var source: Source?
    public var value: String?
    /// For `field: dimension`: which dimension (`costcentre`, `project`…); for `field: setting`: which writer setting.
    public var key: String?
    public var width: Int?
    public var align: Align?
    public var pad: String?
    /// A date pattern for this field (else the layout's `date_format`).
    public var date: String?
    /// Written values for what the field holds (`payable: AP`), `default` for anything else.
    public var map: [String: String]?
    /// Filled only on voucher lines of these roles (empty on the others); on a file's count or sum (header, trailer),
    /// counting only the records of these roles.
    public var roles: [VoucherLine.Role]?
    /// Filled only on the vouchers of these documents (`invoice`, `credit-note`); on a file's count or sum, counting
    /// only their records (a trailer's sum of the credit notes: `{ field: amount_sum, documents: [credit-note] }`).
    public var documents: [DocumentKind]?
    /// Cut a value longer than the width rather than refuse the file (for free text only).
    public var truncate: Bool = false

    public enum Align: String, Decodable, Sendable { case left, right }

    /// What a field can hold. Line records: the voucher line and its voucher. Header and trailer records: the file.
    public enum Source: String, Decodable, Sendable, CaseIterable {
        // A voucher line and its voucher.
        case batchID = "batch_id", voucherNo = "voucher_no", lineNo = "line_no", invoiceID = "invoice_id", invoiceNumber = "invoice_number"
        case supplierID = "supplier_id", supplierName = "supplier_name", supplierVAT = "supplier_vat", supplierEndpoint = "supplier_endpoint"
        case issueDate = "issue_date", dueDate = "due_date", bookedDate = "booked_date", period, currency, documentKind = "document_kind"
        case account, dimension, vatCode = "vat_code", vatRate = "vat_rate", amount, debit, credit, debitCredit = "debit_credit", text, role
        /// The amount in the company's own currency: the amount when the invoice is in it (`key:` names the writer
        /// setting that gives the company currency, else DKK), blank otherwise, so the ERP converts at its own rate.
        case companyAmount = "company_amount"
        case paymentMeans = "payment_means", paymentAccount = "payment_account", paymentBIC = "payment_bic", paymentID = "payment_id"
        case buyerReference = "buyer_reference", orderReference = "order_reference"
        // The file (header and trailer records; also allowed on lines).
        case recordCount = "record_count", voucherCount = "voucher_count", amountSum = "amount_sum", debitSum = "debit_sum", creditSum = "credit_sum"
        case createdDate = "created_date", firstSeq = "first_seq", lastSeq = "last_seq"
        // A writer setting (`key:`), e.g. the ERP client/company code.
        case setting

        var isAmount: Bool { [.amount, .companyAmount, .debit, .credit, .amountSum, .debitSum, .creditSum].contains(self) }
        var isNumber: Bool { isAmount || [.voucherNo, .lineNo, .recordCount, .voucherCount, .firstSeq, .lastSeq].contains(self) }
        var isDate: Bool { [.issueDate, .dueDate, .bookedDate, .createdDate].contains(self) }
        /// A count or sum over the file's records (which `roles:` and `documents:` can narrow).
        var isFileTotal: Bool { [.recordCount, .voucherCount, .amountSum, .debitSum, .creditSum].contains(self) }
        var isFileLevel: Bool { [.recordCount, .voucherCount, .amountSum, .debitSum, .creditSum, .createdDate, .firstSeq, .lastSeq, .batchID, .setting].contains(self) }
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case name, source = "field", value, key, width, align, pad, date, map, roles, documents, truncate }

    public init(from decoder: Decoder) throws {
        try LayoutKeys.refuseUnknown(decoder, CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        source = try c.decodeIfPresent(Source.self, forKey: .source)
        value = try c.decodeIfPresent(String.self, forKey: .value)
        key = try c.decodeIfPresent(String.self, forKey: .key)
        width = try c.decodeIfPresent(Int.self, forKey: .width)
        align = try c.decodeIfPresent(Align.self, forKey: .align)
        pad = try c.decodeIfPresent(String.self, forKey: .pad)
        date = try c.decodeIfPresent(String.self, forKey: .date)
        map = try c.decodeIfPresent([String: String].self, forKey: .map)
        roles = try c.decodeIfPresent([VoucherLine.Role].self, forKey: .roles)
        documents = try c.decodeIfPresent([DocumentKind].self, forKey: .documents)
        truncate = try c.decodeIfPresent(Bool.self, forKey: .truncate) ?? false
    }

    /// The field's name in messages.
    var label: String { name ?? source?.rawValue ?? "'\(value ?? "")'" }

    /// Refuses a field that cannot be filled: no source and no value, a dimension or setting without its key, a line
    /// fact in a header or trailer.
    func check(source file: String, inLine: Bool) throws {
        guard source != nil || value != nil else {
            throw BilagError("config-invalid", "the ERP layout \(file) has a field with neither field: nor value:", remedy: "give field: (one of \(Source.allCases.map(\.rawValue).joined(separator: ", "))) or value: (a constant)")
        }
        if let source, source == .dimension || source == .setting, key == nil {
            throw BilagError("config-invalid", "the ERP layout \(file): field \(label) (\(source.rawValue)) needs key:", remedy: source == .dimension ? "name the dimension, e.g. key: costcentre" : "name the writer setting, e.g. key: client")
        }
        if let source, !inLine, !source.isFileLevel {
            throw BilagError("config-invalid", "the ERP layout \(file): \(source.rawValue) is a voucher line's, so it cannot stand in a header or trailer record", remedy: "use record_count, voucher_count, amount_sum, debit_sum, credit_sum, created_date, first_seq, last_seq, batch_id or setting there")
        }
        if let pad, pad.count != 1 { throw BilagError("config-invalid", "the ERP layout \(file): field \(label) has pad '\(pad)'", remedy: "pad with one character, e.g. pad: \"0\"") }
    }
}
