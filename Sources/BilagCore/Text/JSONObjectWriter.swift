/// Writes a JSON object's fields in the order given (the caller gives them sorted), as bilag's `JSONEncoder`
/// (`.sortedKeys`, `.withoutEscapingSlashes`) writes them: absent optionals left out, amounts as decimal strings.
public struct JSONObjectWriter {
    public var out: [UInt8] = []
    /// A text could not be written as the encoder would (a control character, a key it may order otherwise): the
    /// result is not to be used.
    public var failed = false
    @usableFromInline var first = true

    @inlinable public init() {}

    @inlinable public mutating func open() { out.append(0x7B); first = true }
    @inlinable public mutating func close() { out.append(0x7D); first = false }

    /// Writes `name:` (after a comma unless it is the object's first field).
    @inlinable public mutating func key(_ name: String) {
        if !first { out.append(0x2C) }
        first = false
        if !JSONString.append(name, to: &out) { failed = true }
        out.append(0x3A)
    }

    @inlinable public mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        if !JSONString.append(value, to: &out) { failed = true }
    }

    @inlinable public mutating func field(_ name: String, _ value: Amount?) { field(name, value?.description) }

    /// Writes an ASCII fragment as it is (`null`, `true`).
    @inlinable public mutating func raw(_ text: StaticString) { JSONString.append(raw: text, to: &out) }

    /// Writes a text value (not a key).
    @inlinable public mutating func string(_ text: String) { if !JSONString.append(text, to: &out) { failed = true } }

    /// The names of an object in the encoder's order: `<` for plain ASCII names; any other name fails the writer.
    @inlinable public mutating func sortedNames<S: Sequence<String>>(_ names: S) -> [String] {
        let sorted = names.sorted()
        if !sorted.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) { failed = true }
        return sorted
    }

    @inlinable public var text: String? { failed ? nil : String(decoding: out, as: UTF8.self) }
    /// `text` as its bytes (`JSONBytes`), not made a String.
    @inlinable public var bytes: JSONBytes? { failed ? nil : JSONBytes(bytes: out) }

    @inlinable public mutating func array<T>(_ items: [T], _ write: (T, inout JSONObjectWriter) -> Void) {
        out.append(0x5B)
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(0x2C) }
            write(item, &self)
        }
        out.append(0x5D)
        first = false
    }
}
