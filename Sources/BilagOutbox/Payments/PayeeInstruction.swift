import BilagCore
import BilagStore

/// Where and how one invoice is paid, read from its payment means (BG-16) and checked: the creditor's account (an
/// IBAN, a Danish or Norwegian domestic account, a Danish FIK creditor number or giro account), the creditor's bank,
/// and what the creditor asked to get back (a Norwegian KID, a Danish FIK/giro payment id, an RF creditor reference,
/// else the invoice number as text). Every reference with a check digit is checked; one that fails is a deviation,
/// never mended or guessed.
public struct PayeeInstruction: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable { case iban, domestic, fik, giro }
    public enum ReferenceKind: String, Codable, Sendable { case kid, rf, fik }

    public var kind: Kind
    /// `DK` or `NO` for a domestic account (and the IBAN's country for an IBAN).
    public var country: String?
    /// The IBAN; a domestic account's digits (Danish: registration number and account, 4 + 10 digits); the FIK
    /// creditor number (8 digits); the giro account.
    public var account: String
    public var bic: String?
    /// The FIK/giro card type (01, 04, 15, 71, 73, 75).
    public var cardType: String?
    public var reference: String?
    public var referenceKind: ReferenceKind?
    /// Unstructured remittance: the invoice number, or the text the supplier asked for.
    public var message: String?

    public init(kind: Kind, country: String?, account: String, bic: String? = nil, cardType: String? = nil, reference: String? = nil, referenceKind: ReferenceKind? = nil, message: String? = nil) {
        self.kind = kind; self.country = country; self.account = account; self.bic = bic; self.cardType = cardType
        self.reference = reference; self.referenceKind = referenceKind; self.message = message
    }

    enum CodingKeys: String, CodingKey { case kind, country, account, bic, cardType = "card_type", reference, referenceKind = "reference_kind", message }

    /// The account as the fraud guard compares them: a Danish or Norwegian IBAN and the domestic account it holds are
    /// the same account.
    public var accountKey: String {
        switch kind {
        case .iban:
            if country == "DK" { return "DK:" + account.dropFirst(4) }
            if country == "NO" { return "NO:" + account.dropFirst(4) }
            return "IBAN:" + account
        case .domestic: return (country ?? "??") + ":" + account
        case .fik: return "FIK:" + account
        case .giro: return "GIRO:" + account
        }
    }

    /// The account for a person: `IBAN DK50…`, `DK 0040 0440116243`, `FIK +71 creditor 87654321`.
    public var label: String {
        switch kind {
        case .iban: return "IBAN " + account + (bic.map { " (BIC \($0))" } ?? "")
        case .domestic where country == "DK": return "DK reg. \(account.prefix(4)) account \(account.dropFirst(4))"
        case .domestic: return "\(country ?? "") account \(account)"
        case .fik: return "FIK +\(cardType ?? "") creditor \(account)"
        case .giro: return "giro +\(cardType ?? "") account \(account)"
        }
    }

    /// The IBAN of the account, when it has one (a Danish or Norwegian domestic account has; FIK and giro have not).
    public var iban: String? {
        switch kind {
        case .iban: return account
        case .domestic: return country.map { CheckDigits.ibanFrom(country: $0, bban: account) }
        case .fik, .giro: return nil
        }
    }
}

/// Why an invoice cannot be paid as it stands: a deviation for the manual queue, decided before booking.
public struct PaymentDeviation: Error, Equatable, Sendable {
    public var code: String
    public var message: String
    public init(_ code: String, _ message: String) { self.code = code; self.message = message }

    public static let referenceInvalid = "payment-reference-invalid"
    public static let meansMissing = "payment-means-missing"
    public static let meansUnsupported = "payment-means-unsupported"
    public static let payeeAccountChanged = "payee-account-changed"
    public static let creditNoteUnmatched = "credit-note-unmatched"
    public static let meansConflict = "payment-means-conflict"
    public static let negativeInvoice = "negative-invoice"
}

extension PayeeInstruction {
    static let cardTypes: Set<String> = ["01", "04", "15", "71", "73", "75"]
    /// UNCL 4461 codes for a transfer to the payee's account: credit transfer, debit transfer, payment to bank
    /// account, SEPA credit transfer.
    static let transferCodes: Set<String> = ["30", "31", "42", "58"]

    static func digits(_ s: String) -> String { s.filter(\.isNumber) }

    /// The instruction an invoice's payment means give, or the deviation that stops it. `country` is the debtor's
    /// (the payments writer's), used for a domestic account whose country nothing else tells.
    public static func of(_ booked: BookedInvoice, country: String) -> Result<PayeeInstruction, PaymentDeviation> {
        guard let m = booked.details?.payment else {
            return .failure(PaymentDeviation(PaymentDeviation.meansMissing, "the invoice gives no payment means (BG-16), so there is no account to pay to"))
        }
        let message = booked.invoiceNumber.map { "Faktura \($0)" }
        if let fik = fikParts(m) {
            // The means code says which the supplier asks for (BT-81): a credit transfer to its account (BT-84) is
            // not turned into a payment to a FIK creditor printed in the remittance text (BT-83). When the two name
            // different payees, the invoice goes to a person.
            if let code = m.code, transferCodes.contains(code), let account = m.account?.trimmingWhitespace(), !account.isEmpty,
               let creditor = fik.creditor, digits(creditor) != digits(account) {
                return .failure(PaymentDeviation(PaymentDeviation.meansConflict, "the payment means say credit transfer (code \(code)) to account \(account), but the payment id is a FIK code line for creditor \(creditor); ask the supplier which to pay, then correct the payment or approve it with --no-payment and pay by hand"))
            }
            return fikInstruction(fik, message: message)
        }
        if m.channel?.uppercased() == "DK:NEMKONTO" || m.code == "97" && (m.account ?? "").isEmpty {
            return .failure(PaymentDeviation(PaymentDeviation.meansUnsupported, "the invoice asks to be paid to the supplier's NemKonto (by CVR), which bilag's payment files do not carry; pay it by hand and approve it with --no-payment"))
        }
        guard let rawAccount = m.account?.trimmingWhitespace(), !rawAccount.isEmpty else {
            return .failure(PaymentDeviation(PaymentDeviation.meansMissing, "the payment means (code \(m.code ?? "none")) name no account to pay to"))
        }
        var out: PayeeInstruction
        switch account(rawAccount, bank: m.bic, currency: booked.currency, country: country) {
        case let .success(i): out = i
        case let .failure(d): return .failure(d)
        }
        out.message = message
        if let id = m.paymentID?.trimmingWhitespace(), !id.isEmpty {
            switch reference(id, country: out.country ?? country) {
            case let .success(r):
                if let (kind, ref) = r { out.referenceKind = kind; out.reference = ref } else { out.message = String(id.prefix(140)) }
            case let .failure(d): return .failure(d)
            }
        }
        return .success(out)
    }

    /// The card type, payment id and creditor of a FIK/giro payment, in either way invoices give them: PEPPOL BIS
    /// (`PaymentID` `71#000000002346523`, the creditor as the account), OIOUBL (`PaymentID` the card type,
    /// `InstructionID` the payment id, `CreditAccount` the creditor), or the slip's code line
    /// (`+71<000000002346523+87654321<`). Nil when the means are not FIK/giro.
    static func fikParts(_ m: BookedInvoiceDetails.PaymentMeans) -> (card: String, id: String?, creditor: String?)? {
        let pid = m.paymentID?.trimmingWhitespace() ?? ""
        let creditor = (m.creditAccount ?? m.account)?.trimmingWhitespace()
        if pid.hasPrefix("+"), pid.contains("<") {
            let parts = pid.split(whereSeparator: { $0 == "+" || $0 == "<" }).map(String.init)
            guard let card = parts.first else { return nil }
            if parts.count == 3 { return (card, parts[1], parts[2]) }
            if parts.count == 2 { return (card, nil, parts[1]) }
            return (card, nil, creditor)
        }
        if let hash = pid.firstIndex(of: "#"), pid.distance(from: pid.startIndex, to: hash) == 2 {
            // `71#id`, and the variant that appends the creditor: `71#id#creditor`.
            let rest = pid[pid.index(after: hash)...].split(separator: "#").map(String.init)
            return (String(pid[..<hash]), rest.first, rest.count > 1 ? rest[1] : creditor)
        }
        let channel = m.channel?.uppercased() ?? ""
        let fikCode = m.code == "93" || m.code == "50" || channel == "DK:FIK" || channel == "DK:GIRO"
        if fikCode || (pid.count == 2 && cardTypes.contains(pid) && m.instructionID != nil) {
            let id = m.instructionID?.trimmingWhitespace()
            return (pid, id?.isEmpty == false ? id : nil, creditor)
        }
        return nil
    }

    static func fikInstruction(_ p: (card: String, id: String?, creditor: String?), message: String?) -> Result<PayeeInstruction, PaymentDeviation> {
        func invalid(_ why: String) -> Result<PayeeInstruction, PaymentDeviation> { .failure(PaymentDeviation(PaymentDeviation.referenceInvalid, why)) }
        guard cardTypes.contains(p.card) else { return invalid("FIK/giro card type '\(p.card)' is not one bilag pays (01, 04, 15, 71, 73, 75)") }
        let giro = ["01", "04", "15"].contains(p.card)
        let creditor = (p.creditor ?? "").filter { !$0.isWhitespace }
        if giro {
            guard (7...8).contains(creditor.count), CheckDigits.digits(creditor) != nil else { return invalid("giro card +\(p.card) needs the giro account (7–8 digits); the invoice gives '\(creditor)'") }
        } else {
            guard creditor.count == 8, creditor.hasPrefix("8"), CheckDigits.digits(creditor) != nil else {
                return invalid("FIK card +\(p.card) needs the FI creditor number (8 digits, starting with 8); the invoice gives '\(creditor)'")
            }
        }
        var out = PayeeInstruction(kind: giro ? .giro : .fik, country: "DK", account: creditor, cardType: p.card, message: message)
        switch p.card {
        case "71", "75", "04", "15":
            let length = p.card == "71" ? 15 : 16
            let id = (p.id ?? "").filter { !$0.isWhitespace }
            guard !id.isEmpty, id.count <= length, CheckDigits.digits(id) != nil else {
                return invalid("card +\(p.card) needs a payment id of up to \(length) digits; the invoice gives '\(id)'")
            }
            let padded = String(repeating: "0", count: length - id.count) + id
            guard CheckDigits.mod10(padded) else { return invalid("the payment id \(padded) of card +\(p.card) fails its modulus-10 check digit") }
            out.reference = padded
            out.referenceKind = .fik
        default:
            // +73 and +01 carry no payment id: the message goes with the payment.
            if let id = p.id, !id.isEmpty { out.message = String(id.prefix(140)) }
        }
        return .success(out)
    }

    /// An account: an IBAN (mod 97) or a domestic account (Norwegian 11 digits with modulus 11; Danish registration
    /// number and account).
    public static func account(_ raw: String, bank: String?, currency: String?, country: String) -> Result<PayeeInstruction, PaymentDeviation> {
        func invalid(_ why: String) -> Result<PayeeInstruction, PaymentDeviation> { .failure(PaymentDeviation(PaymentDeviation.referenceInvalid, why)) }
        let bank = bank?.trimmingWhitespace().uppercased()
        let bic = bank.flatMap { isBIC($0) ? $0 : nil }
        let compact = CheckDigits.normalizedIBAN(raw)
        let u = Array(compact.utf8)
        if u.count >= 4, (65...90).contains(u[0]), (65...90).contains(u[1]), (48...57).contains(u[2]), (48...57).contains(u[3]) {
            guard CheckDigits.iban(compact) else { return invalid("the IBAN \(compact) fails its check (ISO 13616: length and mod 97)") }
            return .success(PayeeInstruction(kind: .iban, country: String(compact.prefix(2)), account: compact, bic: bic))
        }
        let digits = raw.filter { !$0.isWhitespace && $0 != "-" && $0 != "." }
        guard CheckDigits.digits(digits) != nil else { return invalid("the account '\(raw)' is neither an IBAN nor a domestic account number") }
        let norwegian = currency == "NOK" || (currency != "DKK" && country == "NO")
        if norwegian {
            guard CheckDigits.norwegianAccount(digits) else { return invalid("the Norwegian account \(digits) fails its check (11 digits, modulus 11)") }
            return .success(PayeeInstruction(kind: .domestic, country: "NO", account: digits, bic: bic))
        }
        // Danish: the registration number (4 digits) as the bank, or leading the account (14 digits in all).
        var reg: String?, account = digits
        if let bank, bank.count == 4, CheckDigits.digits(bank) != nil { reg = bank }
        if reg == nil, digits.count == 14 { reg = String(digits.prefix(4)); account = String(digits.dropFirst(4)) }
        guard let reg, (1...10).contains(account.count) else {
            return invalid("the Danish account '\(digits)' needs its registration number (4 digits) and an account of up to 10 digits")
        }
        return .success(PayeeInstruction(kind: .domestic, country: "DK", account: reg + String(repeating: "0", count: 10 - account.count) + account, bic: bic))
    }

    /// The payment id of a transfer: an RF creditor reference (mod 97), a Norwegian KID (digits: modulus 10 or 11),
    /// or nil for text that is neither (sent as the message). A reference that fails its check is a deviation.
    static func reference(_ id: String, country: String) -> Result<(ReferenceKind, String)?, PaymentDeviation> {
        let compact = id.filter { !$0.isWhitespace }
        if compact.uppercased().hasPrefix("RF"), compact.count >= 5, CheckDigits.digits(String(compact.dropFirst(2).prefix(2))) != nil {
            guard CheckDigits.rfReference(compact) else { return .failure(PaymentDeviation(PaymentDeviation.referenceInvalid, "the creditor reference \(compact) fails its check (ISO 11649, mod 97)")) }
            return .success((.rf, compact.uppercased()))
        }
        let kidShaped = CheckDigits.digits(compact) != nil || (compact.hasSuffix("-") && CheckDigits.digits(String(compact.dropLast())) != nil)
        if country == "NO", kidShaped {
            guard CheckDigits.kid(compact) else { return .failure(PaymentDeviation(PaymentDeviation.referenceInvalid, "the KID \(compact) fails its check digit (modulus 10 and modulus 11)")) }
            return .success((.kid, compact))
        }
        return .success(nil)
    }

    /// A BIC (ISO 9362): 4 letters, a country, 2 letters or digits, and optionally a branch of 3.
    public static func isBIC(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 8 || u.count == 11 else { return false }
        func letter(_ b: UInt8) -> Bool { (65...90).contains(b) }
        func alnum(_ b: UInt8) -> Bool { letter(b) || (48...57).contains(b) }
        return u[0..<6].allSatisfy(letter) && u[6...].allSatisfy(alnum)
    }
}
