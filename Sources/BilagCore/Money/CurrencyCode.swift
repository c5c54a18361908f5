/// An ISO 4217 currency code such as `DKK` or `NOK`.
public struct CurrencyCode: Hashable, Codable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let code: String
    public init(_ code: String) { self.code = code }
    public init(stringLiteral value: String) { self.code = value }
    public init(from decoder: Decoder) throws { code = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(code) }
    public var description: String { code }
    /// Minor-unit digits (ISO 4217); 2 for the currencies this office meets, 0 for e.g. JPY, ISK, HUF is 2.
    public var minorDigits: Int { ["JPY", "ISK", "KRW", "CLP", "VND"].contains(code) ? 0 : 2 }
}
