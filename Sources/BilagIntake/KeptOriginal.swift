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

    /// A kept original's place: its day folder (`2026-11-23`), file name and claim id (the name up to its first dot).
    public struct Entry: Sendable {
        public var day: String
        public var name: String
        public var id: String { String(name.prefix { $0 != "." }) }
        /// Relative to the state folder: `originals/DAY/NAME`.
        public var storedPath: String { "originals/\(day)/\(name)" }
    }

    /// Every kept original under `STATE/originals/` (receipts kept beside them and dot-files are not originals).
    public static func list(statePath: String) -> [Entry] {
        let root = statePath + "/originals"
        var entries: [Entry] = []
        for day in ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted() {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + day)) ?? [] where !name.hasSuffix(".receipt") && !name.hasPrefix(".") {
                entries.append(Entry(day: day, name: name))
            }
        }
        return entries
    }
}
