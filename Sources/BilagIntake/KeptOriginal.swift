import BilagCore
import Foundation

/// Reading a kept original outside the pipeline (`queue show`, `robots replay`).
public enum KeptOriginal {
    /// The bytes of a kept original, only when it is a regular file (a link is not followed) and still has the
    /// sha256 recorded when it was claimed (an empty `sha256`, a file refused on its size, is not checked).
    public static func read(_ path: String, sha256: String) -> Data? {
        guard let data = FileIO.read(path) else { return nil }
        guard sha256.isEmpty || ContentHash.sha256(data) == sha256 else { return nil }
        return data
    }
}
