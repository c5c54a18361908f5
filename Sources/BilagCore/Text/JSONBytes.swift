/// A JSON text kept as its UTF-8 bytes, as bilag's hand writers make it (`WrittenSteps`, `JSONString`): from Swift
/// strings and ASCII punctuation, so valid UTF-8 already. It goes to SQLite as those bytes; a `String` is made only
/// when someone reads it (making one checks every byte again: on the committing thread, once per decision's trace,
/// that check cost more than writing the trace).
public struct JSONBytes: Sendable, Hashable, Codable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Bytes written by a JSON writer from valid UTF-8.
    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(_ text: String) { bytes = Array(text.utf8) }

    /// The text.
    public var string: String { String(decoding: bytes, as: UTF8.self) }
    public var description: String { string }

    /// Encoded as its text, a JSON string (as a `String` field holding the JSON was).
    public init(from decoder: Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(string)
    }
}
