import BilagCore
import Foundation

/// Exact decimal arithmetic that fails cleanly instead of trapping.
///
/// Foundation's Decimal traps on multiplication underflow and returns NaN on overflow, so operands and results
/// are kept to at most `maxScale` decimals and NaN becomes an `EvaluationFailure`.
enum DecimalArithmetic {
    /// The most decimals a computed number keeps.
    static let maxScale = 40

    /// `a + b`, keeping the larger written scale.
    static func add(_ a: Amount, _ b: Amount) throws -> Amount {
        // Operands of at most `maxScale` decimals (every amount an invoice or a case system writes) need no rounding
        // first: `Amount`'s own sum, on the integers where they fit, not Foundation's, which normalizes both operands.
        if fits(a), fits(b) { return try result((a + b).value, scale: max(a.scale, b.scale)) }
        return try result(normalized(a.value) + normalized(b.value), scale: max(a.scale, b.scale))
    }

    /// `a - b`, keeping the larger written scale.
    static func subtract(_ a: Amount, _ b: Amount) throws -> Amount {
        if fits(a), fits(b) { return try result((a - b).value, scale: max(a.scale, b.scale)) }
        return try result(normalized(a.value) - normalized(b.value), scale: max(a.scale, b.scale))
    }

    /// Whether `normalized` leaves the value as it is.
    private static func fits(_ a: Amount) -> Bool { a.value.exponent >= -maxScale }

    /// `a * b`, with the sum of the written scales.
    static func multiply(_ a: Amount, _ b: Amount) throws -> Amount {
        try result(normalized(a.value) * normalized(b.value), scale: a.scale + b.scale)
    }

    /// `a / b`; at least the dividend's written scale; division by zero fails.
    static func divide(_ a: Amount, _ b: Amount) throws -> Amount {
        guard !b.value.isZero else { throw EvaluationFailure("division by zero") }
        let q = normalized(a.value) / normalized(b.value)
        return try result(q, scale: max(a.scale, -Int(q.exponent)))
    }

    /// `-a`, keeping the written scale.
    static func negate(_ a: Amount) -> Amount { Amount(-a.value, scale: a.scale) }

    /// `|a|`, keeping the written scale.
    static func magnitude(_ a: Amount) -> Amount { a.value < 0 ? negate(a) : a }

    /// The value with no trailing zero decimals (`10.00` → `10`), for computed ratios.
    static func compact(_ a: Amount) -> Amount {
        var scale = min(a.scale, max(0, -Int(a.value.exponent)))
        while scale > 0 {
            var source = a.value
            var rounded = Decimal()
            NSDecimalRound(&rounded, &source, scale - 1, .plain)
            guard rounded == a.value else { break }
            scale -= 1
        }
        return Amount(a.value, scale: scale)
    }

    /// The value as an `Int` when it is a whole number of reasonable size.
    static func whole(_ a: Amount) -> Int? {
        var source = a.value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &source, 0, .plain)
        guard rounded == a.value, abs(rounded) <= Decimal(1_000_000_000_000) else { return nil }
        return Int(NSDecimalNumber(decimal: rounded).int64Value)
    }

    private static func normalized(_ d: Decimal) -> Decimal {
        guard d.exponent < -maxScale else { return d }
        var source = d
        var rounded = Decimal()
        NSDecimalRound(&rounded, &source, maxScale, .plain)
        return rounded
    }

    private static func result(_ d: Decimal, scale: Int) throws -> Amount {
        guard !d.isNaN else { throw EvaluationFailure("the result is too large a number") }
        return Amount(normalized(d), scale: min(max(scale, 0), maxScale))
    }
}
