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

    /// Text for a message.
    static func text(_ d: Exact) -> String { d.description }
    static func text(_ a: Amount?) -> String { a.map { $0.description } ?? "(missing)" }
}
