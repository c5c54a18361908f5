import Foundation

/// An exact decimal number: money, quantities, prices and percentages. Never floating point.
///
/// Encoded in JSON as a string (`"1234.50"`) so no reader turns it into a float.
public struct Amount: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The exact value.
    public var value: Decimal
    /// The number of decimals as written (`100.50` has 2), kept for display and for the BR-DEC rules;
    /// Decimal itself forgets trailing zeros.
    public var scale: Int

    public init(_ value: Decimal, scale: Int? = nil) { self.value = value; self.scale = scale ?? max(0, -value.exponent) }
    public init(_ int: Int) { self.value = Decimal(int); self.scale = 0 }
    /// Parses `xs:decimal` text: optional sign, digits, optional fraction; whitespace around is collapsed.
    public init?(parsing text: String) {
        guard let (d, scale) = DecimalText.parseWithScale(text) else { return nil }
        self.value = d
        self.scale = scale
    }

    public static let zero = Amount(Decimal.zero)

    public static func + (a: Amount, b: Amount) -> Amount { Amount(a.value + b.value, scale: max(a.scale, b.scale)) }
    public static func - (a: Amount, b: Amount) -> Amount { Amount(a.value - b.value, scale: max(a.scale, b.scale)) }
    public static func * (a: Amount, b: Amount) -> Amount { Amount(a.value * b.value, scale: a.scale + b.scale) }
    public static func / (a: Amount, b: Amount) -> Amount { Amount(a.value / b.value) }
    public static prefix func - (a: Amount) -> Amount { Amount(-a.value, scale: a.scale) }
    public static func += (a: inout Amount, b: Amount) { a = a + b }
    public static func < (a: Amount, b: Amount) -> Bool { a.value < b.value }
    public static func == (a: Amount, b: Amount) -> Bool { a.value == b.value }
    public func hash(into h: inout Hasher) { h.combine(value) }

    public var isNegative: Bool { value < 0 }
    public var magnitude: Amount { value < 0 ? Amount(-value) : self }

    /// Rounds to `scale` decimals, half away from zero (the rounding EN 16931 and the Schematron use).
    public func rounded(_ scale: Int = 2) -> Amount {
        var source = value
        var result = Decimal()
        NSDecimalRound(&result, &source, scale, .plain)
        return Amount(result, scale: scale)
    }

    /// The value in integer minor units (øre/cent) after rounding to two decimals.
    public var minorUnits: Int64 {
        let r = rounded(2).value * 100
        return NSDecimalNumber(decimal: r).int64Value
    }

    /// Canonical text: plain digits, at least two decimals for money-like values.
    public var description: String { DecimalText.format(value, scale: scale) }
}

extension Amount: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self), let (d, scale) = DecimalText.parseWithScale(s) {
            self.value = d
            self.scale = scale
        } else if let i = try? c.decode(Int.self) {
            self.value = Decimal(i)
            self.scale = 0
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a decimal string such as \"1234.50\"")
        }
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension Amount: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    public init(integerLiteral value: Int) { self.init(value) }
    public init(stringLiteral value: String) {
        guard let (d, scale) = DecimalText.parseWithScale(value) else { preconditionFailure("invalid decimal literal \(value)") }
        self.init(d, scale: scale)
    }
}

/// Reading and writing decimal text without locale or floating point.
public enum DecimalText {
    /// Parses `[+-]digits[.digits]` with surrounding XML whitespace; nil for anything else.
    public static func parse(_ text: String) -> Decimal? { parseWithScale(text)?.0 }

    /// Parses and also returns the number of decimals written.
    public static func parseWithScale(_ text: String) -> (Decimal, Int)? {
        var utf8 = Substring(text).utf8[...]
        while let f = utf8.first, isSpace(f) { utf8 = utf8.dropFirst() }
        while let l = utf8.last, isSpace(l) { utf8 = utf8.dropLast() }
        guard !utf8.isEmpty else { return nil }
        var negative = false
        if utf8.first == UInt8(ascii: "-") { negative = true; utf8 = utf8.dropFirst() } else if utf8.first == UInt8(ascii: "+") { utf8 = utf8.dropFirst() }
        var mantissa: UInt64 = 0
        var digits = 0
        var fraction = 0
        var seenPoint = false
        var overflow = false
        for b in utf8 {
            if b == UInt8(ascii: ".") {
                if seenPoint { return nil }
                seenPoint = true
                continue
            }
            guard b >= 48 && b <= 57 else { return nil }
            digits += 1
            if seenPoint { fraction += 1 }
            let (m1, o1) = mantissa.multipliedReportingOverflow(by: 10)
            let (m2, o2) = m1.addingReportingOverflow(UInt64(b - 48))
            if o1 || o2 || digits > 19 { overflow = true }
            mantissa = m2
        }
        guard digits > 0 else { return nil }
        // Beyond 38 digits or 30 decimals no invoice amount exists, and Foundation's Decimal would trap on arithmetic
        // with such values: refuse them here, so hostile input becomes a finding, never a crash.
        if digits > 38 || fraction > 30 { return nil }
        if overflow {
            let clean = String(decoding: utf8, as: UTF8.self)
            guard let d = Decimal(string: clean, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
            return (negative ? -d : d, fraction)
        }
        let d = Decimal(sign: negative ? .minus : .plus, exponent: -fraction, significand: Decimal(mantissa))
        return (d, fraction)
    }

    /// Formats without exponent, with at least `scale` decimals.
    public static func format(_ value: Decimal, scale: Int = 0) -> String {
        var v = value
        var s = NSDecimalString(&v, Locale(identifier: "en_US_POSIX"))
        if scale > 0 {
            // NSDecimalString drops trailing zeros; restore the written scale.
            let current = s.firstIndex(of: ".").map { s.distance(from: $0, to: s.endIndex) - 1 } ?? 0
            if current == 0 { s += "." }
            if current < scale { s += String(repeating: "0", count: scale - current) }
        }
        return s
    }

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
}
