import Foundation

extension String {
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` (or `.whitespaces`), without Foundation's character-set
    /// cost in the common case where both ends are plain ASCII that is no whitespace.
    @inline(__always)
    public func trimmingWhitespace(includingNewlines: Bool = true) -> String {
        let u = utf8
        if let f = u.first, let l = u.last, f > 0x20, f < 0x7F, l > 0x20, l < 0x7F { return self }
        return trimmingCharacters(in: includingNewlines ? .whitespacesAndNewlines : .whitespaces)
    }
}
