import BilagCore
import BilagStore
import Foundation
import Synchronization

/// What a posting must satisfy before anything is booked, by a robot or an operator: an account of the chart (or of
/// the configured pattern), a VAT code from the allowed list, and every required dimension with a value.
///
/// Configured in `bilag.yaml` under `postings:`; the defaults refuse what no ledger takes (an empty or non-numeric
/// account, an unknown VAT code, a posting without a cost centre).
public struct PostingRules: Sendable, Equatable {
    /// A regular expression the whole account must match (`^[0-9]{4,10}$` by default).
    public var accountPattern: String? = PostingRules.defaultAccountPattern
    /// The accounts of the chart, when one is configured (`chart_of_accounts:`, a file with one account per line or a
    /// CSV whose first column is the account); then only these accounts may be posted to.
    public var chartOfAccounts: Set<String>?
    /// Where the chart was read from, for messages.
    public var chartFile: String?
    /// The VAT codes the ERP knows; nil accepts any (not the default).
    public var vatCodes: Set<String>? = PostingRules.defaultVATCodes
    /// Dimensions every posting must carry with a non-empty value.
    public var requiredDimensions: [String] = ["costcentre"]

    public static let defaultAccountPattern = "^[0-9]{4,10}$"
    public static let defaultVATCodes: Set<String> = ["I0", "I25"]

    public init() {}

    /// Why this posting cannot be booked, one sentence per problem; empty when it can.
    public func problems(account: String, dimensions: [String: String], vatCode: String?) -> [String] {
        var out: [String] = []
        let trimmed = account.trimmingWhitespace(includingNewlines: false)
        if trimmed.isEmpty {
            out.append("the account is empty")
        } else if let chart = chartOfAccounts {
            if !chart.contains(trimmed) { out.append("account '\(account)' is not in the chart of accounts\(chartFile.map { " (\($0))" } ?? "")") }
        } else if let pattern = accountPattern, !Self.matches(trimmed, pattern) {
            out.append("account '\(account)' does not have the form of an account (\(pattern))")
        }
        if trimmed != account { out.append("account '\(account)' has spaces around it") }
        if let code = vatCode {
            if let allowed = vatCodes, !allowed.contains(code) {
                out.append("VAT code '\(code)' is not one the ledger knows (\(allowed.sorted().joined(separator: ", ")))")
            }
        }
        for name in requiredDimensions where (dimensions[name] ?? "").trimmingWhitespace(includingNewlines: false).isEmpty {
            out.append("dimension '\(name)' is required")
        }
        for (name, value) in dimensions.sorted(by: { $0.key < $1.key }) where !requiredDimensions.contains(name) {
            if name.trimmingWhitespace(includingNewlines: false).isEmpty { out.append("a dimension has no name") }
            else if value.trimmingWhitespace(includingNewlines: false).isEmpty { out.append("dimension '\(name)' is empty") }
        }
        return out
    }

    /// The problems of a robot's or operator's posting.
    public func problems(_ p: Posting) -> [String] { problems(account: p.account, dimensions: p.dimensions, vatCode: p.vatCode) }

    /// A short description of the rules, for error messages.
    public var summary: String {
        var parts: [String] = []
        if let chartFile { parts.append("accounts from \(chartFile)") } else if let accountPattern { parts.append("account matching \(accountPattern)") }
        if let vatCodes { parts.append("VAT code one of \(vatCodes.sorted().joined(separator: ", "))") }
        if !requiredDimensions.isEmpty { parts.append("dimensions \(requiredDimensions.joined(separator: ", "))") }
        return parts.joined(separator: "; ")
    }

    /// True when `pattern` matches the whole of `text`. The verdicts are kept (a ledger's accounts are few, and every
    /// booking asks: the regular expression cost 7 % of the committing thread's time in the touchless month).
    static func matches(_ text: String, _ pattern: String) -> Bool {
        let key = pattern + "\u{1F}" + text
        if let known = verdicts.withLock({ $0[key] }) { return known }
        guard let re = compiled(pattern) else { return false }
        let range = NSRange(text.startIndex..., in: text)
        let verdict = re.firstMatch(in: text, range: range)?.range == range
        verdicts.withLock { if $0.count < 4096 { $0[key] = verdict } }
        return verdict
    }

    private static let verdicts = Mutex<[String: Bool]>([:])

    /// `pattern` compiled, once per pattern (a posting is checked on every booking; the patterns are few, from
    /// configuration).
    static func compiled(_ pattern: String) -> NSRegularExpression? {
        if let hit = compiledPatterns.withLock({ $0[pattern] }) { return hit }
        guard let re = try? NSRegularExpression(pattern: pattern) else { return nil }
        compiledPatterns.withLock { if $0.count < 64 { $0[pattern] = re } }
        return re
    }

    private static let compiledPatterns = Mutex<[String: NSRegularExpression]>([:])

    /// Checks that `pattern` compiles (config load).
    static func validPattern(_ pattern: String) -> Bool { (try? NSRegularExpression(pattern: pattern)) != nil }

    /// Reads a chart of accounts: one account per line, or a CSV/semicolon file whose first column is the account;
    /// blank lines, `#` comments and a header row whose first cell is not an account are skipped.
    static func readChart(_ path: String) throws -> Set<String> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BilagError("config-invalid", "the chart of accounts \(path) cannot be read as UTF-8 text", remedy: "give postings.chart_of_accounts a readable file with one account per line (or a CSV whose first column is the account)")
        }
        var accounts = Set<String>()
        for (i, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let cell = line.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "," || $0 == ";" || $0 == "\t" }).first.map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: " \"")) } ?? ""
            if cell.isEmpty || cell.hasPrefix("#") { continue }
            if i == 0, !cell.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }) { continue }   // a header
            accounts.insert(cell)
        }
        guard !accounts.isEmpty else { throw BilagError("config-invalid", "the chart of accounts \(path) holds no accounts", remedy: "one account per line, or a CSV whose first column is the account") }
        return accounts
    }
}
