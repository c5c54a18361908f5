import BilagCore
import Foundation
import Yams

/// How an ERP wants its import file laid out: which voucher lines become records, their fields in order, fixed-width
/// or separated, quoting, date, amount and sign formats, the character set, and header and trailer records with
/// counts and sums. Read from YAML: a shipped layout by name (`plain-csv`, `unit4-gl07`) or a file of the operator's.
/// See docs/outbox.md.
public struct ERPLayout: Decodable, Sendable, Equatable {
    /// What the layout is for, in words.
    public var description: String?
    /// `separated` (fields between separators) or `fixed` (each field in its width).
    public var format: Format
    public var separator: String = ";"
    /// When a separated field is put in quotes: `minimal` (only when it holds the separator, a quote or a line
    /// break), `all`, or `none` (then such a value is refused).
    public var quoting: Quoting = .minimal
    public var quote: String = "\""
    /// `UTF-8` or `ISO-8859-1` (a character outside it as its nearest Latin-1 one, else `?`: `ERPText`).
    public var charset: Charset = .utf8
    /// `lf` or `crlf`.
    public var lineEnd: LineEnd = .lf
    /// The date pattern for every date field unless the field has its own: `yyyyMMdd`, `yyyy-MM-dd`, `dd.MM.yyyy`…
    public var dateFormat: String = "yyyy-MM-dd"
    public var amounts: AmountFormat = AmountFormat()
    /// The voucher lines that become records, in this order within a voucher.
    public var roles: [VoucherLineRole] = [.expense, .vat, .payable, .prepaid, .rounding]
    /// A first record naming the line fields (their `name:`), as a CSV's header row.
    public var columnNames: Bool = false
    /// Records before the lines, and after them.
    public var header: [[ERPField]] = []
    public var fields: [ERPField]
    public var trailer: [[ERPField]] = []

    public enum Format: String, Decodable, Sendable { case separated, fixed }
    public enum Quoting: String, Decodable, Sendable { case minimal, all, none }
    public enum Charset: String, Decodable, Sendable {
        case utf8 = "UTF-8", latin1 = "ISO-8859-1"
    }
    public enum LineEnd: String, Decodable, Sendable {
        case lf, crlf
        var text: String { self == .lf ? "\n" : "\r\n" }
    }
    public typealias VoucherLineRole = VoucherLine.Role

    /// How amounts are written.
    public struct AmountFormat: Decodable, Sendable, Equatable {
        public var decimals: Int = 2
        public var decimalSeparator: String = "."
        /// `minus` (a leading `-` on credits), `trailing` (`-` after the number), `none` (no sign: use a debit/credit
        /// field beside it).
        public var sign: Sign = .minus
        /// Whole minor units (øre, cents) with no separator: `12550` for 125.50.
        public var minorUnits: Bool = false
        public enum Sign: String, Decodable, Sendable { case minus, trailing, none }
        enum CodingKeys: String, CodingKey, CaseIterable { case decimals, decimalSeparator = "decimal_separator", sign, minorUnits = "minor_units" }
        public init() {}
        public init(from decoder: Decoder) throws {
            try LayoutKeys.refuseUnknown(decoder, CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            decimals = try c.decodeIfPresent(Int.self, forKey: .decimals) ?? 2
            decimalSeparator = try c.decodeIfPresent(String.self, forKey: .decimalSeparator) ?? "."
            sign = try c.decodeIfPresent(Sign.self, forKey: .sign) ?? .minus
            minorUnits = try c.decodeIfPresent(Bool.self, forKey: .minorUnits) ?? false
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case description, format, separator, quoting, quote, charset, lineEnd = "line_end", dateFormat = "date_format", amounts, roles, columnNames = "column_names", header, fields, trailer
    }

    public init(from decoder: Decoder) throws {
        try LayoutKeys.refuseUnknown(decoder, CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        format = try c.decode(Format.self, forKey: .format)
        separator = try c.decodeIfPresent(String.self, forKey: .separator) ?? ";"
        quoting = try c.decodeIfPresent(Quoting.self, forKey: .quoting) ?? .minimal
        quote = try c.decodeIfPresent(String.self, forKey: .quote) ?? "\""
        charset = try c.decodeIfPresent(Charset.self, forKey: .charset) ?? .utf8
        lineEnd = try c.decodeIfPresent(LineEnd.self, forKey: .lineEnd) ?? .lf
        dateFormat = try c.decodeIfPresent(String.self, forKey: .dateFormat) ?? "yyyy-MM-dd"
        amounts = try c.decodeIfPresent(AmountFormat.self, forKey: .amounts) ?? AmountFormat()
        roles = try c.decodeIfPresent([VoucherLineRole].self, forKey: .roles) ?? [.expense, .vat, .payable, .prepaid, .rounding]
        columnNames = try c.decodeIfPresent(Bool.self, forKey: .columnNames) ?? false
        header = try c.decodeIfPresent([[ERPField]].self, forKey: .header) ?? []
        fields = try c.decode([ERPField].self, forKey: .fields)
        trailer = try c.decodeIfPresent([[ERPField]].self, forKey: .trailer) ?? []
    }

    /// Reads a layout from YAML, saying what is wrong in terms of the file (`source` names it).
    public static func parse(_ yaml: String, source: String) throws -> ERPLayout {
        let layout: ERPLayout
        do { layout = try YAMLDecoder().decode(ERPLayout.self, from: yaml) } catch {
            throw BilagError("config-invalid", "the ERP layout \(source) cannot be read: \(Self.describe(error))", remedy: "compare it with the shipped layouts in docs/outbox.md")
        }
        for (i, record) in ([layout.fields] + layout.header + layout.trailer).enumerated() {
            for f in record {
                if layout.format == .fixed, f.width == nil, f.value == nil {
                    throw BilagError("config-invalid", "the ERP layout \(source) is fixed-width, but its field \(f.label) has no width", remedy: "give every field a width: (in characters)")
                }
                try f.check(source: source, inLine: i == 0)
            }
        }
        return layout
    }

    static func describe(_ error: Error) -> String {
        if case let DecodingError.dataCorrupted(c) = error { return c.debugDescription + " at " + c.codingPath.map(\.stringValue).joined(separator: ".") }
        if case let DecodingError.keyNotFound(k, c) = error { return "\(k.stringValue) is missing at " + (c.codingPath.map(\.stringValue).joined(separator: ".")) }
        if case let DecodingError.typeMismatch(_, c) = error { return c.debugDescription + " at " + c.codingPath.map(\.stringValue).joined(separator: ".") }
        return "\(error)"
    }
}

/// A layout file's keys are checked as bilag.yaml's are: a misspelt key (`trunctate:`, `document:`) is refused, never
/// silently ignored.
enum LayoutKeys {
    struct Key: CodingKey {
        var stringValue: String
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    static func refuseUnknown<K: CodingKey & CaseIterable>(_ decoder: Decoder, _ known: K.Type) throws {
        let names = K.allCases.map(\.stringValue)
        let c = try decoder.container(keyedBy: Key.self)
        if let unknown = c.allKeys.first(where: { !names.contains($0.stringValue) }) {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [unknown], debugDescription: "unknown key '\(unknown.stringValue)' (this place takes \(names.joined(separator: ", ")))"))
        }
    }
}
