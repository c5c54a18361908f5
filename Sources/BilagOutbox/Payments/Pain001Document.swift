import BilagCore
import BilagStore
import Foundation

/// Lays out one payment file as an ISO 20022 CustomerCreditTransferInitiation (pain.001.001.03 or .09): a group
/// header with the count and control sum, then one payment information block (PmtInf) per debtor account and
/// requested execution date, each with its own count and control sum, holding one credit transfer per invoice.
///
/// The creditor side follows the Danish and Norwegian CGI guides' practice: an IBAN with the BIC; a Danish domestic
/// account as the account number (BBAN) with the registration number as the creditor agent's clearing member id
/// (DKNCC); a Norwegian domestic account as an 11-digit BBAN; a KID or RF reference as a structured creditor reference
/// of type SCOR; a FIK/giro payment (pain.001.001.03 only) as the creditor number or giro account (scheme `OCR`) with
/// the card type and payment id as a SCOR reference (`71/000000002346526`); otherwise the invoice number as
/// unstructured text.
/// The same payments give the same bytes.
public struct Pain001Document: Sendable {
    public let settings: PaymentSettings

    public init(settings: PaymentSettings) { self.settings = settings }

    /// One credit transfer as the file holds it.
    struct Transfer {
        var payment: PaymentRecord
        var instruction: PayeeInstruction
        var amount: Amount
        var debtor: PaymentSettings.DebtorAccount
        var date: String
    }

    /// The file `file` holding `payments` (all filed in it), or an error for a payment that cannot be laid out.
    public func render(file: PaymentFileRecord, payments: [PaymentRecord]) throws -> Data {
        let transfers = try payments.map { p -> Transfer in
            guard let json = p.instruction, let i = try? JSONDecoder().decode(PayeeInstruction.self, from: Data(json.utf8)) else {
                throw BilagError("payment-unwritable", "the payment of invoice \(p.invoiceID) has no readable payee instruction", remedy: "run `bilag store check`; restore the newest backup if the database is damaged")
            }
            guard settings.supports(i) else {
                throw BilagError("payment-unwritable", "\(settings.version.rawValue) cannot carry the payment of invoice \(p.invoiceID) to \(i.label)", remedy: "use version: pain.001.001.03 for FIK and giro payments")
            }
            // In the currency's minor unit (ISO 4217: JPY and ISK none, KWD three): a bank refuses `JPY 15879.00`.
            return Transfer(payment: p, instruction: i, amount: p.openAmount.rounded(Voucher.minorUnit(p.currency)), debtor: settings.debtorAccount(for: p.currency),
                            date: p.requestedDate ?? Self.localDate(file.createdAt, calendar: settings.calendar).description)
        }
        var groups: [(key: String, transfers: [Transfer])] = []
        for t in transfers.sorted(by: { ($0.debtor.iban, $0.date, $0.payment.seq) < ($1.debtor.iban, $1.date, $1.payment.seq) }) {
            let key = t.debtor.iban + " " + t.date
            if groups.last?.key == key { groups[groups.count - 1].transfers.append(t) } else { groups.append((key, [t])) }
        }
        let v09 = settings.version == .v09
        let msgID = Self.messageID(file, calendar: settings.calendar)
        var x = XMLText()
        x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        x.open("Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:\(settings.version.rawValue)\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"", close: "Document")
        x.open("CstmrCdtTrfInitn")
        x.open("GrpHdr")
        x.leaf("MsgId", msgID)
        x.leaf("CreDtTm", Self.creationTime(file.createdAt, in: settings.calendar.timeZone))
        x.leaf("NbOfTxs", String(transfers.count))
        x.leaf("CtrlSum", Self.sum(transfers).description)
        party(&x, "InitgPty", name: settings.debtorName, id: settings.debtorID)
        x.close("GrpHdr")
        for (n, group) in groups.enumerated() {
            let first = group.transfers[0]
            x.open("PmtInf")
            x.leaf("PmtInfId", String("\(msgID)-\(n + 1)".suffix(35)))
            x.leaf("PmtMtd", "TRF")
            x.leaf("NbOfTxs", String(group.transfers.count))
            x.leaf("CtrlSum", Self.sum(group.transfers).description)
            if v09 { x.open("ReqdExctnDt"); x.leaf("Dt", first.date); x.close("ReqdExctnDt") } else { x.leaf("ReqdExctnDt", first.date) }
            party(&x, "Dbtr", name: settings.debtorName, id: settings.debtorID)
            x.open("DbtrAcct"); x.open("Id"); x.leaf("IBAN", first.debtor.iban); x.close("Id"); x.close("DbtrAcct")
            x.open("DbtrAgt"); x.open("FinInstnId"); x.leaf(v09 ? "BICFI" : "BIC", first.debtor.bic); x.close("FinInstnId"); x.close("DbtrAgt")
            if let cb = settings.chargeBearer { x.leaf("ChrgBr", cb) }
            for t in group.transfers { transfer(&x, t, v09: v09) }
            x.close("PmtInf")
        }
        x.close("CstmrCdtTrfInitn")
        x.close("Document")
        return Data(x.text.utf8)
    }

    func transfer(_ x: inout XMLText, _ t: Transfer, v09: Bool) {
        let i = t.instruction
        x.open("CdtTrfTxInf")
        x.open("PmtId")
        x.leaf("InstrId", "BILAG-\(t.payment.seq)")
        x.leaf("EndToEndId", String(t.payment.invoiceID.prefix(35)))
        x.close("PmtId")
        x.open("Amt"); x.leaf("InstdAmt Ccy=\"\(XMLEscape.text(t.payment.currency))\"", t.amount.description, close: "InstdAmt"); x.close("Amt")
        // The creditor's bank: its BIC, and for a Danish domestic account in pain.001.001.03 always its registration
        // number (DKNCC), which the account number (BBAN) leaves out — with a BIC too, so that the account stays whole.
        // (.09 carries the account as the IBAN made from both, and its EPC schema takes no clearing member id.)
        let danish = !v09 && i.kind == .domestic && i.country == "DK"
        if i.bic != nil || danish {
            x.open("CdtrAgt"); x.open("FinInstnId")
            if let bic = i.bic { x.leaf(v09 ? "BICFI" : "BIC", bic) }
            if danish {
                x.open("ClrSysMmbId"); x.open("ClrSysId"); x.leaf("Cd", "DKNCC"); x.close("ClrSysId")
                x.leaf("MmbId", String(i.account.prefix(4))); x.close("ClrSysMmbId")
            }
            x.close("FinInstnId"); x.close("CdtrAgt")
        }
        x.open("Cdtr"); x.leaf("Nm", Self.text(t.payment.supplierName ?? t.payment.supplierKey ?? "Creditor", 70)); x.close("Cdtr")
        x.open("CdtrAcct"); x.open("Id")
        switch (i.kind, v09) {
        case (.iban, _), (.domestic, true): x.leaf("IBAN", i.iban ?? i.account)
        case (.domestic, false):
            x.open("Othr"); x.leaf("Id", i.country == "DK" ? String(i.account.dropFirst(4)) : i.account)
            x.open("SchmeNm"); x.leaf("Cd", "BBAN"); x.close("SchmeNm"); x.close("Othr")
        case (.fik, _), (.giro, _):
            // The FI creditor number or giro account, its scheme the proprietary `OCR` (every payment-slip type).
            x.open("Othr"); x.leaf("Id", i.account)
            x.open("SchmeNm"); x.leaf("Prtry", "OCR"); x.close("SchmeNm"); x.close("Othr")
        }
        x.close("Id"); x.close("CdtrAcct")
        x.open("RmtInf")
        let structured = i.referenceKind != nil || i.kind == .fik || i.kind == .giro
        if !structured || i.reference == nil, let message = i.message ?? t.payment.invoiceNumber {
            x.leaf("Ustrd", Self.text(message, 140))
        }
        if structured {
            x.open("Strd"); x.open("CdtrRefInf"); x.open("Tp"); x.open("CdOrPrtry"); x.leaf("Cd", "SCOR"); x.close("CdOrPrtry"); x.close("Tp")
            if let ref = Self.creditorReference(i) { x.leaf("Ref", ref) }
            x.close("CdtrRefInf"); x.close("Strd")
        }
        x.close("RmtInf")
        x.close("CdtTrfTxInf")
    }

    /// The structured creditor reference (`Strd/CdtrRefInf/Ref`, type `SCOR`): a KID or RF reference as it is; for a
    /// Danish payment slip the card type and the payment id with a slash between them (`71/000000002346526`), and
    /// the card type and a slash alone for the slips that carry no payment id (+73, +01) — the OCR reference as the
    /// Danish CGI practice writes it (docs/outbox.md, "FIK and giro in pain.001").
    static func creditorReference(_ i: PayeeInstruction) -> String? {
        guard i.kind == .fik || i.kind == .giro else { return i.reference }
        return "\(i.cardType ?? "")/\(i.reference ?? "")"
    }

    func party(_ x: inout XMLText, _ tag: String, name: String, id: String?) {
        x.open(tag)
        x.leaf("Nm", Self.text(name, 70))
        if let id, !id.isEmpty {
            x.open("Id"); x.open("OrgId"); x.open("Othr"); x.leaf("Id", String(id.prefix(35))); x.close("Othr"); x.close("OrgId"); x.close("Id")
        }
        x.close(tag)
    }

    /// `BILAG-`, the country's date the file was made and its number: unique per payments writer, at most 35
    /// characters.
    public static func messageID(_ file: PaymentFileRecord, calendar: BankCalendar) -> String {
        "BILAG-\(localDate(file.createdAt, calendar: calendar).description.replacingOccurrences(of: "-", with: ""))-\(file.id)"
    }

    /// The country's date at a UTC timestamp (the UTC date from midnight to 01:00 or 02:00 local time is yesterday's).
    static func localDate(_ timestamp: String, calendar: BankCalendar) -> LocalDate {
        Timestamp.date(timestamp).map(calendar.today) ?? LocalDate(parsing: String(timestamp.prefix(10))) ?? LocalDate.today()
    }

    /// `CreDtTm`: the moment the file was made as the country's local time with its offset from UTC
    /// (`2026-12-04T00:30:00+01:00`), so that a bank reads the same moment whatever zone it assumes for a bare time.
    public static func creationTime(_ timestamp: String, in zone: TimeZone) -> String {
        guard let date = Timestamp.date(timestamp) else { return String(timestamp.prefix(19)) }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.calendar = Calendar(identifier: .gregorian)
        f.timeZone = zone
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ssxxx"
        return f.string(from: date)
    }

    /// The control sum: the transfers' amounts added exactly, each in its currency's minor unit (three decimals with a
    /// Kuwaiti dinar), written with at least two decimals. Rounded, it would not add up and the bank refuses the file.
    static func sum(_ transfers: [Transfer]) -> Amount {
        transfers.reduce(Amount.zero.rounded(2)) { $0 + $1.amount }
    }

    /// Text in the CGI Latin character set, cut to `max` code points as the schema's MaxNText counts them.
    static func text(_ s: String, _ max: Int) -> String { CGILatin.text(s, max: max) }
}

/// XML written as text, indented, with element content escaped.
struct XMLText {
    var text = ""
    var depth = 0

    mutating func raw(_ s: String) { text += s }
    mutating func indent() { text += String(repeating: "  ", count: depth) }
    mutating func open(_ tag: String, close _: String? = nil) { indent(); text += "<\(tag)>\n"; depth += 1 }
    mutating func close(_ tag: String) { depth -= 1; indent(); text += "</\(tag)>\n" }
    mutating func leaf(_ tag: String, _ value: String, close: String? = nil) { indent(); text += "<\(tag)>\(XMLEscape.text(value))</\(close ?? tag)>\n" }
}
