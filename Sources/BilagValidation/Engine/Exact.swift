import BilagCore
import Foundation

/// An exact decimal number for the rule arithmetic: a 64-bit integer count of 10^-scale units when it fits (nearly
/// always: money, quantities, prices, rates), a `Decimal` otherwise.
///
/// Foundation's `Decimal` is exact but slow on Linux (an addition allocates; one division costs microseconds), and a
/// 10-line invoice needs a hundred or so operations. `Exact` does them in integer arithmetic and falls back to
/// `Decimal` whenever a value or a result does not fit, so results are always exact; never floating point.
struct Exact: Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// value = units / 10^scale (fast form), when `slow` is nil.
    private(set) var units: Int64
    private(set) var scale: Int8
    private(set) var slow: Decimal?

    static let zero = Exact(units: 0, scale: 0)
    static let one = Exact(units: 1, scale: 0)
    static let hundred = Exact(units: 100, scale: 0)
    static let half = Exact(units: 5, scale: 1)
    static let twoCents = Exact(units: 2, scale: 2)

    init(units: Int64, scale: Int8) { self.units = units; self.scale = scale; self.slow = nil }
    private init(units: Int64, scale: Int8, slow: Decimal?) { self.units = units; self.scale = scale; self.slow = slow }
    init(_ int: Int) { self.init(units: Int64(int), scale: 0) }
    init(integerLiteral value: Int) { self.init(units: Int64(value), scale: 0) }

    init(_ d: Decimal) {
        if let (u, s) = Self.decode(d) { self.init(units: u, scale: s, slow: nil) } else { self.init(units: 0, scale: 0, slow: d) }
    }

    init(_ a: Amount) { self.init(a.value) }

    /// The value as a `Decimal` (for messages and the slow path).
    var decimal: Decimal {
        if let slow { return slow }
        let magnitude = Decimal(units.magnitude)
        return Decimal(sign: units < 0 ? .minus : .plus, exponent: -Int(scale), significand: magnitude)
    }

    var description: String { DecimalText.format(decimal) }

    /// `(units, scale)` when the value is in the fast form.
    var fastForm: (Int64, Int8)? { slow == nil ? (units, scale) : nil }

    @inline(__always) var isNegative: Bool { slow == nil ? units < 0 : slow! < 0 }
    var isZero: Bool { slow.map { $0.isZero } ?? (units == 0) }
    @inline(__always) var magnitude: Exact { isNegative ? -self : self }

    // MARK: Arithmetic

    @inline(__always)
    static prefix func - (a: Exact) -> Exact {
        if a.slow == nil, a.units != .min { return Exact(units: -a.units, scale: a.scale) }
        return Exact(slow: -a.decimal)
    }

    @inline(__always)
    static func + (a: Exact, b: Exact) -> Exact {
        if a.slow == nil, b.slow == nil, a.scale == b.scale {
            let (r, o) = a.units.addingReportingOverflow(b.units)
            if !o { return Exact(units: r, scale: a.scale) }
        }
        return add(a, b)
    }

    static func add(_ a: Exact, _ b: Exact) -> Exact {
        if let (x, y, s) = aligned(a, b) {
            let (r, o) = x.addingReportingOverflow(y)
            if !o { return Exact(units: r, scale: s) }
        }
        return Exact(slow: a.decimal + b.decimal)
    }

    @inline(__always)
    static func - (a: Exact, b: Exact) -> Exact { a + (-b) }

    @inline(__always)
    static func * (a: Exact, b: Exact) -> Exact {
        if a.slow == nil, b.slow == nil {
            let (r, o) = a.units.multipliedReportingOverflow(by: b.units)
            let s = Int(a.scale) + Int(b.scale)
            if !o, s <= 18 { return Exact(units: r, scale: Int8(s)) }
        }
        return Exact(slow: a.decimal * b.decimal)
    }

    /// a / b, exact when b divides a in the fast form, else `Decimal` division (38 digits, as the Schematron's decimals).
    static func / (a: Exact, b: Exact) -> Exact {
        if b.slow == nil, b.units == 1, b.scale == 0 { return a }
        return Exact(slow: a.decimal / b.decimal)
    }

    /// The value divided by 100 (a percentage as a fraction), exactly.
    var percent: Exact {
        if slow == nil, scale <= 16 { return Exact(units: units, scale: scale + 2) }
        return Exact(slow: decimal / 100)
    }

    static func += (a: inout Exact, b: Exact) { a = a + b }
    static func -= (a: inout Exact, b: Exact) { a = a - b }

    /// XPath `round(x * 10^places) div 10^places`: half towards positive infinity.
    func xround(_ places: Int = 2) -> Exact {
        if slow == nil {
            if Int(scale) <= places { return self }
            let drop = Int(scale) - places
            if drop <= 18 {
                let divisor = Self.pow10[drop]
                let (shifted, o) = units.addingReportingOverflow(divisor / 2)
                if !o {
                    // floor division
                    var q = shifted / divisor
                    if shifted % divisor != 0 && shifted < 0 { q -= 1 }
                    return Exact(units: q, scale: Int8(places))
                }
            }
        }
        return Exact(slow: Arith.xroundDecimal(decimal, places))
    }

    // MARK: Comparison

    @inline(__always)
    static func == (a: Exact, b: Exact) -> Bool { compare(a, b) == 0 }
    @inline(__always)
    static func != (a: Exact, b: Exact) -> Bool { compare(a, b) != 0 }
    @inline(__always)
    static func < (a: Exact, b: Exact) -> Bool { compare(a, b) < 0 }
    @inline(__always)
    static func <= (a: Exact, b: Exact) -> Bool { compare(a, b) <= 0 }
    @inline(__always)
    static func > (a: Exact, b: Exact) -> Bool { compare(a, b) > 0 }
    @inline(__always)
    static func >= (a: Exact, b: Exact) -> Bool { compare(a, b) >= 0 }

    @inline(__always)
    static func compare(_ a: Exact, _ b: Exact) -> Int {
        if a.slow == nil, b.slow == nil, a.scale == b.scale { return a.units == b.units ? 0 : (a.units < b.units ? -1 : 1) }
        return compareSlow(a, b)
    }

    static func compareSlow(_ a: Exact, _ b: Exact) -> Int {
        if let (x, y, _) = aligned(a, b) { return x == y ? 0 : (x < y ? -1 : 1) }
        let x = a.decimal, y = b.decimal
        return x == y ? 0 : (x < y ? -1 : 1)
    }

    // MARK: Internals

    private init(slow: Decimal) {
        if let (u, s) = Self.decode(slow) { self.init(units: u, scale: s, slow: nil) } else { self.init(units: 0, scale: 0, slow: slow) }
    }

    static let pow10: [Int64] = (0...18).map { p in (0..<p).reduce(Int64(1)) { r, _ in r * 10 } }

    /// Both values as units of the same scale, or nil when one is slow or the alignment overflows.
    @inline(__always)
    private static func aligned(_ a: Exact, _ b: Exact) -> (Int64, Int64, Int8)? {
        guard a.slow == nil, b.slow == nil else { return nil }
        if a.scale == b.scale { return (a.units, b.units, a.scale) }
        if a.scale < b.scale {
            let (x, o) = a.units.multipliedReportingOverflow(by: pow10[Int(b.scale - a.scale)])
            return o ? nil : (x, b.units, b.scale)
        }
        let (y, o) = b.units.multipliedReportingOverflow(by: pow10[Int(a.scale - b.scale)])
        return o ? nil : (a.units, y, a.scale)
    }

    /// Reads a `Decimal` as (units, scale) when its mantissa fits 63 bits and its exponent 0…−18 (or a small positive
    /// exponent). Reads the value's bytes directly; `layoutVerified` checks once that the layout is the expected one.
    @inline(__always)
    static func decode(_ d: Decimal) -> (Int64, Int8)? {
        guard layoutVerified else { return nil }
        return withUnsafeBytes(of: d) { raw -> (Int64, Int8)? in
            let exponent = Int(Int8(bitPattern: raw[0]))
            let flags = raw[1]
            let length = Int(flags >> 4)
            guard length <= 4 else { return nil }
            // Mantissa words 0…3 are the little-endian bytes 4…11; keep the `length` low words.
            let words = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt64.self))
            let mantissa = length == 4 ? words : words & ((1 << (16 * UInt64(length))) &- 1)
            guard mantissa <= UInt64(Int64.max) else { return nil }
            var units = Int64(mantissa)
            if flags & 0x08 != 0 { units = -units }
            if exponent <= 0 {
                guard exponent >= -18 else { return nil }
                return (units, Int8(-exponent))
            }
            guard exponent <= 18 else { return nil }
            let (scaled, o) = units.multipliedReportingOverflow(by: pow10[exponent])
            return o ? nil : (scaled, 0)
        }
    }

    /// Whether `Decimal`'s bytes are laid out as `decode` reads them (exponent byte, length/flags byte, two reserved
    /// bytes, eight little-endian 16-bit mantissa words). Checked once on known values; if not, every value takes the
    /// `Decimal` path.
    static let layoutVerified: Bool = {
        guard MemoryLayout<Decimal>.size == 20 else { return false }
        func read(_ d: Decimal) -> (Int64, Int8)? {
            withUnsafeBytes(of: d) { raw -> (Int64, Int8)? in
                let exponent = Int(Int8(bitPattern: raw[0]))
                let length = Int(raw[1] >> 4)
                guard length <= 4, exponent <= 0 else { return nil }
                var m: UInt64 = 0
                for w in stride(from: length - 1, through: 0, by: -1) { m = m << 16 | UInt64(raw[4 + 2 * w]) | UInt64(raw[5 + 2 * w]) << 8 }
                return (raw[1] & 0x08 != 0 ? -Int64(m) : Int64(m), Int8(-exponent))
            }
        }
        let cases: [(Decimal, Int64, Int8)] = [
            (Decimal(sign: .plus, exponent: -2, significand: Decimal(123456)), 123456, 2),
            (Decimal(sign: .minus, exponent: -2, significand: Decimal(123456)), -123456, 2),
            (Decimal(sign: .plus, exponent: -3, significand: Decimal(UInt64(9_007_199_254_740_993))), 9_007_199_254_740_993, 3),
            (Decimal(sign: .minus, exponent: 0, significand: Decimal(7)), -7, 0),
            (Decimal.zero, 0, 0),
        ]
        for (d, u, s) in cases {
            guard let (ru, rs) = read(d), ru == u, rs == s else { return false }
        }
        return true
    }()
}

extension Amount {
    /// The amount for the rule arithmetic.
    @inline(__always) var exact: Exact { Exact(value) }
}

extension Optional where Wrapped == Amount {
    /// The amount for the rule arithmetic, or nil.
    @inline(__always) var exact: Exact? { self.map { Exact($0.value) } }
}
