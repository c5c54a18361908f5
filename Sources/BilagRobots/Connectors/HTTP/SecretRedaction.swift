import Foundation

/// Takes a connector's secrets out of a text: what a case system says back (an error body that quotes the request's
/// `Authorization` header, a redirect to a URL carrying the token) must not carry them into logs, the store,
/// `bilag status` or `--json` output.
struct SecretRedaction: Sendable {
    static let placeholder = "[secret]"
    /// Each secret as written, percent-encoded and JSON-escaped, longest first (a secret that contains another is taken whole).
    let forms: [String]

    init(_ secrets: [String]) {
        var forms = Set<String>()
        for s in secrets where !s.isEmpty {
            forms.insert(s)
            if let encoded = s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) { forms.insert(encoded) }
            forms.insert(s.replacingOccurrences(of: "/", with: "\\/")) // as a JSON encoder may write it
        }
        self.forms = forms.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    func apply(_ text: String) -> String {
        var out = text
        for f in forms where out.contains(f) { out = out.replacingOccurrences(of: f, with: Self.placeholder) }
        return out
    }
}
