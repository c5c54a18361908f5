import Foundation

/// RFC 6901 JSON pointers over what `JSONSerialization` reads: `""` is the whole document, `/a/0/b` walks objects
/// by key and arrays by index (`~1` is `/`, `~0` is `~`).
public enum JSONPointer {
    /// Whether `pointer` is one: empty, or starting with `/`.
    public static func isValid(_ pointer: String) -> Bool { pointer.isEmpty || pointer.hasPrefix("/") }

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
