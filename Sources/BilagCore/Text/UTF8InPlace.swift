extension String {
    /// Calls `body` with the string's UTF-8 bytes where they lie (a native or small string: every string bilag makes),
    /// so that reading them neither copies the string nor retains and releases its storage; a bridged string's bytes
    /// are copied first.
    @inlinable public func withUTF8InPlace<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let done = try utf8.withContiguousStorageIfAvailable(body) { return done }
        var copy = self
        return try copy.withUTF8(body)
    }
}
