import Foundation

/// RFC 6901 JSON pointers over what `JSONSerialization` reads: `""` is the whole document, `/a/0/b` walks objects
/// by key and arrays by index (`~1` is `/`, `~0` is `~`).
public enum JSONPointer {
    /// Whether `pointer` is one: empty, or starting with `/`, with every `~` escaping (`~0` or `~1`).
    public static func isValid(_ pointer: String) -> Bool {
        guard pointer.isEmpty || pointer.hasPrefix("/") else { return false }
        var tilde = false
        for c in pointer.utf8 {
            if tilde { guard c == UInt8(ascii: "0") || c == UInt8(ascii: "1") else { return false }; tilde = false } else if c == UInt8(ascii: "~") { tilde = true }
        }
        return !tilde
    }

    /// The value at `pointer`, or nil where the document has nothing there.
    public static func resolve(_ pointer: String, in document: Any) -> Any? {
        guard !pointer.isEmpty else { return document }
        var current: Any = document
        for raw in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let object = current as? [String: Any] {
                guard let next = object[token] else { return nil }
                current = next
            } else if let array = current as? [Any], let i = Int(token), array.indices.contains(i) {
                current = array[i]
            } else {
                return nil
            }
        }
        return current
    }
}
