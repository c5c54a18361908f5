/// An identifier with its optional scheme (ISO 6523 ICD such as `0088` GLN, `0184` DK CVR, `0192` NO org.nr.; or `GLN`, `DK:CVR` in OIOUBL).
public struct Identifier: Hashable, Codable, Sendable, CustomStringConvertible {
    public var value: String
    public var scheme: String?
    public init(_ value: String, scheme: String? = nil) { self.value = value; self.scheme = scheme }
    public var description: String { scheme.map { "\($0):\(value)" } ?? value }
}
