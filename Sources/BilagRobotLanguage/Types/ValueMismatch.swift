/// A value that does not fit its declared type, found by `Value.conformed(to:)`.
public struct ValueMismatch: Error, CustomStringConvertible, Sendable {
    /// Where in the value: field names and `[index]`, e.g. `["ordered_at"]` or `["lines", "[2]", "quantity"]`.
    public var path: [String]
    /// The declared type.
    public var expected: ValueType
    /// The value found.
    public var found: Value

    /// A mismatch at `path`.
    public init(path: [String], expected: ValueType, found: Value) {
        self.path = path
        self.expected = expected
        self.found = found
    }

    /// The path joined with dots (`lines[2].quantity`); empty for the value itself.
    public var pathText: String {
        path.reduce("") { $1.hasPrefix("[") || $0.isEmpty ? $0 + $1 : $0 + "." + $1 }
    }

    /// e.g. `ordered_at: expected date, found "yesterday"`.
    public var description: String {
        (path.isEmpty ? "" : pathText + ": ") + "expected \(expected), found \(found)"
    }
}
