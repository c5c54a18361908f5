import BilagCore
import Foundation

/// Exact decimal arithmetic as the official Schematron does it.
///
/// The rules write `round(x * 10 * 10) div 100`; XPath `fn:round` rounds half towards positive infinity
/// (`round(-2.5) = -2`), which differs from `Amount.rounded` (half away from zero) only for negative halves.
/// The rules here use `xround` so they agree with the official validator to the cent.
enum Arith {
    static let one = Decimal(1)
    static let hundred = Decimal(100)
    static let half = Decimal(sign: .plus, exponent: -1, significand: 5)
    static let twoCents = Decimal(sign: .plus, exponent: -2, significand: 2)

    /// XPath `round(x * 10^scale) div 10^scale`: half towards positive infinity.
    @inline(__always)
    static func xround(_ x: Decimal, _ scale: Int = 2) -> Decimal {
        var shifted = Decimal()
        var v = x
        _ = NSDecimalMultiplyByPowerOf10(&shifted, &v, Int16(scale), .plain)
        shifted += half
        var floored = Decimal()
        NSDecimalRound(&floored, &shifted, 0, .down)
        var out = Decimal()
        _ = NSDecimalMultiplyByPowerOf10(&out, &floored, Int16(-scale), .plain)
        return out
    }

    /// `|a - b| < tolerance` (the official "±1" checks are strict).
    @inline(__always)
    static func within(_ a: Decimal, _ b: Decimal, strictly tolerance: Decimal) -> Bool {
        let d = a - b
        return d < tolerance && -d < tolerance
    }

    /// `|a - b| <= tolerance` (PEPPOL `u:slack`).
    @inline(__always)
    static func within(_ a: Decimal, _ b: Decimal, inclusive tolerance: Decimal) -> Bool {
        let d = a - b
        return d <= tolerance && -d <= tolerance
    }

    @inline(__always)
    static func abs(_ x: Decimal) -> Decimal { x < 0 ? -x : x }

    /// Text for a message.
    static func text(_ d: Decimal) -> String { DecimalText.format(d) }
    static func text(_ a: Amount?) -> String { a.map { $0.description } ?? "(missing)" }
}
