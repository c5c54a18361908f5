import Foundation

extension Amount {
    /// An amount written as an `xs:double` with an exponent (`1E2`, `-1.5e-3`), as its exact value; nil for anything
    /// else. The XML Schema's `xs:decimal` has no exponent, but the official rules read such an amount as a number.
    public static func exponentForm(_ raw: String) -> Amount? {
        let t = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = t.split(omittingEmptySubsequences: false) { $0 == "e" || $0 == "E" }
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty }),
              parts[1].allSatisfy({ $0.isNumber || $0 == "-" || $0 == "+" }),
              let mantissa = Amount(parsing: String(parts[0])), let exponent = Int(parts[1]), abs(exponent) <= 20 else { return nil }
        var value = mantissa.value
        for _ in 0..<abs(exponent) { value = exponent > 0 ? value * 10 : value / 10 }
        return Amount(value)
    }
}
