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

    /// Sums and differences of amounts as invoices write them are worked out as integers (`DecimalParts.add`), not by
    /// Foundation, which normalizes both operands at each addition (every total, manifest sum and robot's sum).
    public static func + (a: Amount, b: Amount) -> Amount {
        Amount(DecimalParts.add(a.value, b.value, subtracting: false) ?? a.value + b.value, scale: max(a.scale, b.scale))
    }
    public static func - (a: Amount, b: Amount) -> Amount {
        Amount(DecimalParts.add(a.value, b.value, subtracting: true) ?? a.value - b.value, scale: max(a.scale, b.scale))
    }
    public static func * (a: Amount, b: Amount) -> Amount { Amount(a.value * b.value, scale: a.scale + b.scale) }
    public static func / (a: Amount, b: Amount) -> Amount { Amount(a.value / b.value) }
    public static prefix func - (a: Amount) -> Amount { Amount(-a.value, scale: a.scale) }
    public static func += (a: inout Amount, b: Amount) { a = a + b }
    public static func < (a: Amount, b: Amount) -> Bool { compare(a, b) < 0 }
    public static func == (a: Amount, b: Amount) -> Bool { compare(a, b) == 0 }
    /// Equal amounts hash alike however their Decimals are written (`10.00` as 1000 × 10⁻² or 1 × 10¹): the value's
    /// parts with trailing zeros dropped, not Foundation's hash, which goes by an approximate Double of each form.
    public func hash(into h: inout Hasher) {
        if let (negative, significand, exponent) = DecimalParts.normalized(value) {
            h.combine(negative); h.combine(significand); h.combine(exponent)
        } else {
            h.combine(value)
        }
    }

    /// Negative, zero or positive as `a` is less than, equal to or greater than `b`. Amounts as invoices write them
    /// are compared as integers (`DecimalParts.compare`), not by Foundation, which normalizes both at each comparison.
    public static func compare(_ a: Amount, _ b: Amount) -> Int {
        if let c = DecimalParts.compare(a.value, b.value) { return c }
        return a.value < b.value ? -1 : (a.value == b.value ? 0 : 1)
    }

    public var isNegative: Bool {
        if let (negative, significand, _) = DecimalParts.read(value) { return negative && significand != 0 }
        return value < 0
    }
    public var magnitude: Amount { isNegative ? Amount(-value) : self }

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
        var text = text
        // Read through a pointer to the bytes: a `Substring`'s view costs an index check at each byte, and every
        // amount of every invoice is read here (on the examination workers, and again from the robots' look-ups).
        return text.withUTF8 { parseWithScale(bytes: $0) }
    }

    /// `parseWithScale` of UTF-8 bytes.
    static func parseWithScale(bytes: UnsafeBufferPointer<UInt8>) -> (Decimal, Int)? {
        var lo = 0, hi = bytes.count
        while lo < hi, isSpace(bytes[lo]) { lo += 1 }
        while hi > lo, isSpace(bytes[hi - 1]) { hi -= 1 }
        guard lo < hi else { return nil }
        var negative = false
        if bytes[lo] == UInt8(ascii: "-") { negative = true; lo += 1 } else if bytes[lo] == UInt8(ascii: "+") { lo += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var fraction = 0
        var seenPoint = false
        var overflow = false
        var i = lo
        while i < hi {
            let b = bytes[i]
            i += 1
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
            let clean = String(decoding: UnsafeBufferPointer(rebasing: bytes[lo..<hi]), as: UTF8.self)
            guard let d = Decimal(string: clean, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
            return (negative ? -d : d, fraction)
        }
        // Written straight into the Decimal's storage where its layout is known (every amount of every invoice is read here).
        let d = DecimalParts.layoutHolds ? DecimalParts.make(negative, mantissa, -fraction)
                                         : Decimal(sign: negative ? .minus : .plus, exponent: -fraction, significand: Decimal(mantissa))
        return (d, fraction)
    }

    static let posix = Locale(identifier: "en_US_POSIX")

    /// Formats without exponent, with at least `scale` decimals.
    public static func format(_ value: Decimal, scale: Int = 0) -> String {
        if let fast = formatSmall(value, scale: scale) { return fast }
        var v = value
        var s = NSDecimalString(&v, posix)
        if scale > 0 {
            // NSDecimalString drops trailing zeros; restore the written scale.
            let current = s.firstIndex(of: ".").map { s.distance(from: $0, to: s.endIndex) - 1 } ?? 0
            if current == 0 { s += "." }
            if current < scale { s += String(repeating: "0", count: scale - current) }
        }
        return s
    }

    /// `format` for the values invoices hold: a significand that fits 64 bits and a modest exponent. Writes the same
    /// text as `NSDecimalString` (no trailing zeros after the point) padded to `scale`; nil hands over to it.
    static func formatSmall(_ value: Decimal, scale: Int) -> String? {
        guard scale <= 38, let (negative, significandIn, exponentIn) = DecimalParts.read(value) else { return nil }
        var significand = significandIn
        var exponent = exponentIn
        if significand == 0 { exponent = 0 }
        // NSDecimalString shows no trailing zeros after the point.
        while exponent < 0, significand % 10 == 0 { significand /= 10; exponent += 1 }
        if exponent > 0 {
            for _ in 0..<exponent {
                let (r, o) = significand.multipliedReportingOverflow(by: 10)
                if o { return nil }
                significand = r
            }
            exponent = 0
        }
        let fraction = -exponent
        // The significand's digits, least significant first (at most 20), written straight into the string: no
        // intermediate string or arrays (every amount of every booking and trace is written here).
        var reversed: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &reversed) { digit -> String in
            var n = 0
            var m = significand
            repeat {
                digit[n] = UInt8(truncatingIfNeeded: m % 10) + UInt8(ascii: "0")
                m /= 10
                n += 1
            } while m > 0
            let sign = negative && significand != 0 ? 1 : 0
            let decimals = max(fraction, scale)
            let count = sign + max(n - fraction, 1) + (decimals > 0 ? 1 + decimals : 0)
            return String(unsafeUninitializedCapacity: count) { out in
                var i = 0
                if sign == 1 { out[i] = UInt8(ascii: "-"); i += 1 }
                if n > fraction {
                    var k = n - 1
                    while k >= fraction { out[i] = digit[k]; i += 1; k -= 1 }
                } else {
                    out[i] = UInt8(ascii: "0"); i += 1
                }
                if decimals > 0 {
                    out[i] = UInt8(ascii: "."); i += 1
                    var k = fraction - 1
                    while k >= 0 { out[i] = k < n ? digit[k] : UInt8(ascii: "0"); i += 1; k -= 1 }
                    for _ in 0..<(decimals - fraction) { out[i] = UInt8(ascii: "0"); i += 1 }
                }
                return i
            }
        }
    }

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
}

/// Reads a `Decimal`'s sign, significand and exponent straight from its storage, which has the layout of the C
/// `NSDecimal` as swift-foundation packs it (byte 0 the exponent; byte 1 the length in 16-bit words in its high four
/// bits, then the sign bit; the significand's words, least significant first, from byte 4). Foundation keeps those fields internal, and going through its public API costs more than the formatting.
/// The layout is checked once against values built through the public API; if it ever differs, `read` always
/// answers nil and callers take Foundation's way.
enum DecimalParts {
    static let layoutHolds: Bool = {
        guard MemoryLayout<Decimal>.size == 20 else { return false }
        let probes: [(Decimal, Bool, UInt64, Int)] = [
            (Decimal(sign: .plus, exponent: -2, significand: 12345), false, 12345, -2),
            (Decimal(sign: .minus, exponent: 3, significand: 7), true, 7, 3),
            (Decimal(sign: .plus, exponent: -4, significand: Decimal(UInt64(0x1234_5678_9ABC))), false, 0x1234_5678_9ABC, -4),
            (Decimal(sign: .minus, exponent: 0, significand: Decimal(UInt64.max)), true, UInt64.max, 0),
        ]
        for (d, negative, significand, exponent) in probes {
            guard let parts = raw(d), parts.0 == negative, parts.1 == significand, parts.2 == exponent else { return false }
            // Written back, the parts are the same number to Foundation.
            let made = make(negative, significand, exponent)
            guard made == d, !made.isNaN, raw(made).map({ $0 == (negative, significand, exponent) }) == true else { return false }
        }
        return make(false, 0, 0) == Decimal.zero && !make(true, 0, 0).isNaN
    }()

    /// The value's sign, significand and exponent with the significand's trailing zeros dropped (zero is `(false, 0,
    /// 0)`): the same for every way a Decimal can write one number, where it fits 64 bits once compacted; else nil.
    static func normalized(_ value: Decimal) -> (Bool, UInt64, Int)? {
        var parts = read(value)
        if parts == nil, layoutHolds, !value.isNaN {
            var compact = value
            NSDecimalCompact(&compact)
            parts = raw(compact)
        }
        guard let (negative, read, readExponent) = parts else { return nil }
        if read == 0 { return (false, 0, 0) }
        var significand = read, exponent = readExponent
        while significand % 10 == 0 { significand /= 10; exponent += 1 }
        return (negative, significand, exponent)
    }

    /// Two significands brought to the smaller of their exponents (the one with the larger exponent times ten until
    /// they meet); when that would pass 64 bits, which of the two is the larger in magnitude.
    enum Aligned { case both(UInt64, UInt64, exponent: Int), firstLarger, secondLarger }

    static func aligned(_ xIn: UInt64, _ exIn: Int, _ yIn: UInt64, _ eyIn: Int) -> Aligned {
        var x = xIn, y = yIn, ex = exIn, ey = eyIn
        while ex > ey {
            let (r, o) = x.multipliedReportingOverflow(by: 10)
            if o { return .firstLarger }
            x = r; ex -= 1
        }
        while ey > ex {
            let (r, o) = y.multipliedReportingOverflow(by: 10)
            if o { return .secondLarger }
            y = r; ey -= 1
        }
        return .both(x, y, exponent: ex)
    }

    /// `a + b` (`a - b` when `subtracting`), worked out on the significands brought to the smaller exponent; nil when
    /// either does not fit `read` or the result would pass 64 bits (then Foundation adds). Exact: no rounding.
    static func add(_ a: Decimal, _ b: Decimal, subtracting: Bool) -> Decimal? {
        guard let (aNegative, aSignificand, aExponent) = read(a), let (bNegativeRead, bSignificand, bExponent) = read(b) else { return nil }
        let bNegative = subtracting ? !bNegativeRead : bNegativeRead
        guard case let .both(x, y, ex) = aligned(aSignificand, aExponent, bSignificand, bExponent) else { return nil }
        if aNegative == bNegative {
            let (sum, o) = x.addingReportingOverflow(y)
            if o { return nil }
            return make(aNegative, sum, ex)
        }
        // Opposite signs: the larger magnitude's sign, their difference.
        return x >= y ? make(aNegative, x - y, ex) : make(bNegative, y - x, ex)
    }

    /// The Decimal with these parts, written into its storage as `raw` reads it (not compacted; zero is never negative,
    /// which the layout would read as NaN). Only called once `layoutHolds` has checked the layout with it.
    static func make(_ negative: Bool, _ significand: UInt64, _ exponent: Int) -> Decimal {
        var d = Decimal()
        withUnsafeMutableBytes(of: &d) { b in
            for i in 0..<b.count { b[i] = 0 }
            var s = significand, words = 0
            while s != 0 {
                b[4 + 2 * words] = UInt8(truncatingIfNeeded: s)
                b[5 + 2 * words] = UInt8(truncatingIfNeeded: s >> 8)
                s >>= 16
                words += 1
            }
            b[0] = UInt8(bitPattern: Int8(truncatingIfNeeded: exponent))
            b[1] = UInt8(words << 4) | (negative && words > 0 ? 0x08 : 0)
        }
        return d
    }

    /// Negative, zero or positive as `a` is less than, equal to or greater than `b`; nil when either does not fit
    /// `read` (then Foundation compares). The magnitudes are brought to the smaller exponent; one that would pass
    /// 64 bits on the way is the larger.
    static func compare(_ a: Decimal, _ b: Decimal) -> Int? {
        guard let (aNegative, aSignificand, aExponent) = read(a), let (bNegative, bSignificand, bExponent) = read(b) else { return nil }
        let aSign = aSignificand == 0 ? 0 : (aNegative ? -1 : 1), bSign = bSignificand == 0 ? 0 : (bNegative ? -1 : 1)
        if aSign != bSign { return aSign < bSign ? -1 : 1 }
        if aSign == 0 { return 0 }
        switch aligned(aSignificand, aExponent, bSignificand, bExponent) {
        case .firstLarger: return aSign
        case .secondLarger: return -aSign
        case let .both(x, y, _):
            let m = x < y ? -1 : (x > y ? 1 : 0)
            return aSign > 0 ? m : -m
        }
    }

    /// (negative, significand, exponent), or nil when the value is NaN, needs more than 64 bits, or the layout check failed.
    static func read(_ value: Decimal) -> (Bool, UInt64, Int)? {
        guard layoutHolds, !value.isNaN else { return nil }
        return raw(value)
    }

    private static func raw(_ value: Decimal) -> (Bool, UInt64, Int)? {
        withUnsafeBytes(of: value) { b -> (Bool, UInt64, Int)? in
            let exponent = Int(Int8(bitPattern: b[0]))
            let length = Int(b[1] >> 4)
            let negative = b[1] & 0x08 != 0
            guard length <= 4 else { return nil }
            var significand: UInt64 = 0
            for i in stride(from: length - 1, through: 0, by: -1) {
                significand = significand << 16 | UInt64(b[4 + 2 * i]) | UInt64(b[5 + 2 * i]) << 8
            }
            return (negative, significand, exponent)
        }
    }
}
