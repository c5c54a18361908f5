/// Looking for a few bytes among a document's first bytes (its prolog, its XML declaration), before libxml2 reads it.
enum ByteSearch {
    /// Whether `needle` is at `j` in `bytes`.
    static func starts(_ needle: UnsafeRawBufferPointer, at j: Int, in bytes: UnsafeRawBufferPointer) -> Bool {
        guard j >= 0, j + needle.count <= bytes.count else { return false }
        for k in 0..<needle.count where bytes[j + k] != needle[k] { return false }
        return true
    }

    /// Where `needle` first starts in `bytes` at `j` or after.
    static func find(_ needle: UnsafeRawBufferPointer, in bytes: UnsafeRawBufferPointer, from j: Int = 0) -> Int? {
        var k = max(0, j)
        while k + needle.count <= bytes.count {
            if starts(needle, at: k, in: bytes) { return k }
            k += 1
        }
        return nil
    }

    static func starts(_ s: StaticString, at j: Int, in bytes: UnsafeRawBufferPointer) -> Bool { starts(raw(s), at: j, in: bytes) }
    static func find(_ s: StaticString, in bytes: UnsafeRawBufferPointer, from j: Int = 0) -> Int? { find(raw(s), in: bytes, from: j) }

    private static func raw(_ s: StaticString) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount) }
}
