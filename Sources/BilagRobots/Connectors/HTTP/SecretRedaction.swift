import Foundation

/// Takes a connector's secrets out of a text: what a case system says back (an error body that quotes the request's
/// `Authorization` header, a redirect to a URL carrying the token) must not carry them into logs, the store,
/// `bilag status` or `--json` output.
struct SecretRedaction: Sendable {
    static let placeholder = "[secret]"

    init(_ secrets: [String]) {
        // Longest first: a secret that contains another is taken whole.
        patterns = secrets.filter { !$0.isEmpty }.sorted { $0.count > $1.count }.compactMap { try? NSRegularExpression(pattern: Self.anyEncoding($0)) }
    }

    /// Each secret however a gateway may have encoded it when it quotes it back: each character as written or
    /// percent-encoded (in either case of hex: Python's `quote`, Java's `URLEncoder`, JavaScript's
    /// `encodeURIComponent` each leave other characters alone), a space also as `+`, a `/` also as `\/` (as a JSON
    /// encoder may write it).
    let patterns: [NSRegularExpression]

    static func anyEncoding(_ secret: String) -> String {
        var pattern = ""
        for scalar in secret.unicodeScalars {
            let literal = NSRegularExpression.escapedPattern(for: String(scalar))
            let encoded = String(scalar).utf8.map { b -> String in
                let hex = Array(String(b, radix: 16, uppercase: true).leftPadded(to: 2))
                return "%" + hex.map { $0.isLetter ? "[\($0)\(Character($0.lowercased()))]" : String($0) }.joined()
            }.joined()
            var options = [literal, encoded]
            if scalar == " " { options.append("\\+") }
            if scalar == "/" { options.append("\\\\/") }
            pattern += "(?:" + options.joined(separator: "|") + ")"
        }
        return pattern
    }

    func apply(_ text: String) -> String {
        var out = text
        for p in patterns {
            let range = NSRange(out.startIndex..., in: out)
            guard p.firstMatch(in: out, range: range) != nil else { continue }
            out = p.stringByReplacingMatches(in: out, range: range, withTemplate: NSRegularExpression.escapedTemplate(for: Self.placeholder))
        }
        return out
    }
}

private extension String {
    func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
