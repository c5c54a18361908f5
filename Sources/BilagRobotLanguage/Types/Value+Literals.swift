import BilagCore

/// Swift literals for values, convenient when building environments and in tests.
extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// A string value.
    public init(stringLiteral value: String) { self = .string(value) }
    /// A whole number value.
    public init(integerLiteral value: Int) { self = .number(Amount(value)) }
    /// A bool value.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// A list value.
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
    /// A record value (a later duplicate key wins).
    public init(dictionaryLiteral elements: (String, Value)...) {
        self = .record(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
