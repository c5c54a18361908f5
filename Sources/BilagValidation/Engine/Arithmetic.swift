import BilagCore
import Foundation

/// Exact decimal arithmetic as the official Schematron does it, on `Exact` numbers.
///
/// The rules write `round(x * 10 * 10) div 100`; XPath `fn:round` rounds half towards positive infinity
/// (`round(-2.5) = -2`), which differs from `Amount.rounded` (half away from zero) only for negative halves.
/// The rules use `xround` so they agree with the official validator to the cent.
enum Arith {
    static let one = Exact.one
    static let hundred = Exact.hundred
    static let twoCents = Exact.twoCents

    /// XPath `round(x * 10^places) div 10^places`: half towards positive infinity.
    @inline(__always)
    static func xround(_ x: Exact, _ places: Int = 2) -> Exact { x.xround(places) }

    /// The same on a `Decimal` (the slow path of `Exact`).
    static func xroundDecimal(_ x: Decimal, _ places: Int) -> Decimal {
        var shifted = Decimal()
        var v = x
        _ = NSDecimalMultiplyByPowerOf10(&shifted, &v, Int16(places), .plain)
        shifted += Decimal(sign: .plus, exponent: -1, significand: 5)
        var floored = Decimal()
        NSDecimalRound(&floored, &shifted, 0, .down)
        var out = Decimal()
        _ = NSDecimalMultiplyByPowerOf10(&out, &floored, Int16(-places), .plain)
        return out
    }

    /// `|a - b| < tolerance` (the official "±1" checks are strict).
    @inline(__always)
    static func within(_ a: Exact, _ b: Exact, strictly tolerance: Exact) -> Bool {
        (a - b).magnitude < tolerance
    }

    /// `|a - b| <= tolerance` (PEPPOL `u:slack`).
    @inline(__always)
    static func within(_ a: Exact, _ b: Exact, inclusive tolerance: Exact) -> Bool {
        (a - b).magnitude <= tolerance
    }

    @inline(__always)
    static func abs(_ x: Exact) -> Exact { x.magnitude }

    /// The sign (-1, 0, 1) of `x − e` for a double `x` taken at its exact binary value, as XPath 2.0 compares
    /// `xs:decimal(a double)` with a decimal (Saxon converts a double to the decimal of its exact value); nil for NaN.
    /// `x · 10^scale − units` is rounded once (a fused multiply-add), which keeps the sign of the exact difference.
    static func sign(ofDouble x: Double, minus e: Exact) -> Int? {
        if x.isNaN { return nil }
        let diff: Double
        if let (units, scale) = e.fastForm, units.magnitude < 1 << 53, scale >= 0, scale <= 22 {
            diff = (-Double(units)).addingProduct(x, pow10[Int(scale)])
        } else {
            diff = x - (Double(e.description) ?? .nan)
        }
        return diff.isNaN ? nil : diff < 0 ? -1 : diff > 0 ? 1 : 0
    }

    private static let pow10: [Double] = (0...22).map { (0..<$0).reduce(1.0) { r, _ in r * 10 } }

    /// A written amount as XPath 2.0 reads it into an `xs:double` (`cbc:TaxableAmount - 1`).
    static func double(_ a: Amount) -> Double { Double(a.exact.description) ?? .nan }

    /// Text for a message.
    static func text(_ d: Exact) -> String { d.description }
    static func text(_ a: Amount?) -> String { a.map { $0.description } ?? "(missing)" }
}
