/// A cursor over the bytes of one line as bilag's encoder writes it; every reader returns nil on anything else.
public struct JSONLineReader {
    public let bytes: UnsafeBufferPointer<UInt8>
    public var i = 0

    public init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    public var atEnd: Bool { i == bytes.count }

    public mutating func take(_ byte: UInt8) -> Bool {
        guard i < bytes.count, bytes[i] == byte else { return false }
        i += 1
        return true
    }

    /// `null`, consumed.
    public mutating func null() -> Bool {
        guard i + 4 <= bytes.count, bytes[i] == 0x6E, bytes[i + 1] == 0x75, bytes[i + 2] == 0x6C, bytes[i + 3] == 0x6C else { return false }
        i += 4
        return true
    }

    public mutating func bool() -> Bool? {
        if i + 4 <= bytes.count, bytes[i] == 0x74, bytes[i + 1] == 0x72, bytes[i + 2] == 0x75, bytes[i + 3] == 0x65 { i += 4; return true }
        if i + 5 <= bytes.count, bytes[i] == 0x66, bytes[i + 1] == 0x61, bytes[i + 2] == 0x6C, bytes[i + 3] == 0x73, bytes[i + 4] == 0x65 { i += 5; return false }
        return nil
    }

    /// A string without escapes or control characters.
    public mutating func string() -> String? {
        guard take(0x22) else { return nil }
        let start = i
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x22 {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                i += 1
                return s
            }
            if c == 0x5C || c < 0x20 { return nil }
            i += 1
        }
        return nil
    }

    public mutating func amount() -> Amount? {
        guard let s = string(), let (d, scale) = DecimalText.parseWithScale(s) else { return nil }
        return Amount(d, scale: scale)
    }

    /// A required field's value, read once: false when the key repeats or `read` finds no value.
    public mutating func once<T>(_ out: inout T?, _ read: (inout JSONLineReader) -> T?) -> Bool {
        guard out == nil, let value = read(&self) else { return false }
        out = value
        return true
    }

    /// An optional field's value: absent fields are not written, `null` reads as nil like the decoder's.
    public mutating func optional<T>(_ out: inout T??, _ read: (inout JSONLineReader) -> T?) -> Bool {
        guard out == nil else { return false }
        if null() { out = .some(nil); return true }
        guard let value = read(&self) else { return false }
        out = .some(value)
        return true
    }

    public mutating func optionalString(_ out: inout String??) -> Bool { optional(&out) { $0.string() } }
    public mutating func optionalAmount(_ out: inout Amount??) -> Bool { optional(&out) { $0.amount() } }

    /// An array whose every item `item` reads.
    public mutating func list<T>(_ item: (inout JSONLineReader) -> T?) -> [T]? {
        var out: [T] = []
        return array { r in
            guard let value = item(&r) else { return false }
            out.append(value)
            return true
        } ? out : nil
    }

    /// An object: `field` reads the value of each key (false: not read here).
    public mutating func object(_ field: (String, inout JSONLineReader) -> Bool) -> Bool {
        guard take(0x7B) else { return false }
        if take(0x7D) { return true }
        while true {
            guard let key = string(), take(0x3A), field(key, &self) else { return false }
            if take(0x2C) { continue }
            return take(0x7D)
        }
    }

    public mutating func array(_ item: (inout JSONLineReader) -> Bool) -> Bool {
        guard take(0x5B) else { return false }
        if take(0x5D) { return true }
        while true {
            guard item(&self) else { return false }
            if take(0x2C) { continue }
            return take(0x5D)
        }
    }
}
