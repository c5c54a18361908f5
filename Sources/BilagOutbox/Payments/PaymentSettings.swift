import BilagCore

/// The payments writer as `bilag.yaml` sets it up (`outbox.writers.NAME` with `kind: payments`): which pain.001
/// version, the municipality's account(s) it pays from, and when payments go into a file.
public struct PaymentSettings: Sendable, Equatable {
    public static let kind = "payments"

    /// The ISO 20022 message version written.
    public enum Version: String, Sendable, Equatable, CaseIterable {
        /// CustomerCreditTransferInitiationV03, as the Danish and Norwegian banks' CGI guides use.
        case v03 = "pain.001.001.03"
        /// CustomerCreditTransferInitiationV09, as the EPC SEPA credit transfer schema restricts it: IBAN accounts only.
        case v09 = "pain.001.001.09"
    }

    /// One account the municipality pays from, with its bank.
    public struct DebtorAccount: Sendable, Equatable, Hashable {
        public var iban: String
        public var bic: String
    }

    public var name: String
    public var version: Version = .v03
    public var debtorName: String
    /// The municipality's CVR / organisation number, sent as the initiating party's and debtor's id.
    public var debtorID: String?
    /// The account paid from by default, and one per currency where the municipality has several.
    public var debtor: DebtorAccount
    public var accountsByCurrency: [String: DebtorAccount] = [:]
    /// `DK` or `NO`: the banking-day calendar, and the country of a domestic account nothing else places.
    public var country: String
    /// A payment goes into a file once its requested execution date is at most this many days away (0: on the day).
    /// Until then it waits, and credit notes arriving meanwhile are set off against it.
    public var daysAhead: Int = 2
    /// `SHAR`, `SLEV`, `DEBT` or `CRED`; left out when not given.
    public var chargeBearer: String?
    public var maxPaymentsPerFile: Int = 10_000
    public var closeAfterSeconds: Int = 0

    public var calendar: BankCalendar { BankCalendar(country: country)! }

    /// The account payments in `currency` are made from.
    public func debtorAccount(for currency: String) -> DebtorAccount { accountsByCurrency[currency] ?? debtor }

    static let keys: Set<String> = ["version", "debtor_name", "debtor_id", "debtor_iban", "debtor_bic", "debtor_accounts", "country", "days_ahead", "charge_bearer"]

    /// Reads the writer's settings, or throws `config-invalid` naming what is wrong and how to mend it.
    public init(_ s: OutboxWriterSettings) throws {
        let key = "outbox.writers.\(s.name)"
        func fail(_ message: String, _ remedy: String) -> BilagError { BilagErrorOutbox.config("\(key): \(message)", remedy: remedy) }
        for k in s.settings.keys where !Self.keys.contains(k) {
            throw fail("unknown setting '\(k)'", "a payments writer takes \(Self.keys.sorted().joined(separator: ", ")) (and max_entries_per_file, close_after_minutes)")
        }
        name = s.name
        maxPaymentsPerFile = s.maxEntriesPerFile
        closeAfterSeconds = s.closeAfterSeconds
        if let v = s.settings["version"] {
            guard let version = Version(rawValue: v) else { throw fail("version is '\(v)'", "use pain.001.001.03 (Danish and Norwegian CGI) or pain.001.001.09") }
            self.version = version
        }
        guard let name = s.settings["debtor_name"]?.trimmingWhitespace(), !name.isEmpty else {
            throw fail("debtor_name is missing", "give the municipality's name as its bank knows it, e.g. debtor_name: \"Aarhus Kommune\"")
        }
        debtorName = name
        debtorID = s.settings["debtor_id"]?.trimmingWhitespace()
        debtor = try Self.account(s.settings["debtor_iban"], s.settings["debtor_bic"], what: "debtor_iban/debtor_bic", fail: fail)
        if let list = s.settings["debtor_accounts"] {
            for item in list.split(separator: ",") {
                let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, parts[0].count == 3 else { throw fail("debtor_accounts has '\(item)'", "write CURRENCY=IBAN or CURRENCY=IBAN/BIC, comma-separated, e.g. \"EUR=DK3000000000000000/DABADKKK\"") }
                let ib = parts[1].split(separator: "/").map(String.init)
                accountsByCurrency[parts[0].uppercased()] = try Self.account(ib.first, ib.count > 1 ? ib[1] : debtor.bic, what: "debtor_accounts \(parts[0])", fail: fail)
            }
        }
        let c = (s.settings["country"] ?? String(debtor.iban.prefix(2))).uppercased()
        guard BankCalendar(country: c) != nil else { throw fail("country is '\(c)'", "give country: DK or NO (the banking-day calendar payments follow)") }
        country = c
        if let d = s.settings["days_ahead"] {
            guard let n = Int(d), (0...365).contains(n) else { throw fail("days_ahead is '\(d)'", "give a number of days from 0 to 365") }
            daysAhead = n
        }
        if let cb = s.settings["charge_bearer"]?.uppercased() {
            guard ["SHAR", "SLEV", "DEBT", "CRED"].contains(cb) else { throw fail("charge_bearer is '\(cb)'", "use SHAR, SLEV, DEBT or CRED, or leave it out") }
            chargeBearer = cb
        }
    }

    static func account(_ iban: String?, _ bic: String?, what: String, fail: (String, String) -> BilagError) throws -> DebtorAccount {
        guard let raw = iban, CheckDigits.iban(raw) else {
            throw fail("\(what): the IBAN '\(iban ?? "")' is missing or fails its check", "give the municipality's account as an IBAN (DK… or NO…), as the bank agreement states it")
        }
        guard let b = bic?.trimmingWhitespace().uppercased(), PayeeInstruction.isBIC(b) else {
            throw fail("\(what): the BIC '\(bic ?? "")' is missing or not a BIC", "give the bank's BIC (8 or 11 characters), e.g. DABADKKK or DNBANOKK")
        }
        return DebtorAccount(iban: CheckDigits.normalizedIBAN(raw), bic: b)
    }

    /// Whether this version can carry a payment to `instruction` (the EPC schema of pain.001.001.09 takes IBAN
    /// accounts and SCOR references only: no FIK or giro).
    public func supports(_ instruction: PayeeInstruction) -> Bool {
        version == .v03 || instruction.iban != nil
    }
}
