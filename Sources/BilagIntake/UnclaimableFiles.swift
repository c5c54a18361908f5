import BilagCore
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An Inbox entry bilag cannot move into the state folder (another user's file in a folder bilag may not write,
/// an immutable file, another file system), or a folder it cannot read (its path ends with `/`), and why, since when.
public struct UnclaimableFile: Codable, Sendable, Equatable {
    /// Relative to `Inbox/`, as people read it.
    public var path: String
    public var error: String
    /// When this process first failed to claim it.
    public var since: String
}

/// The Inbox entries that could not be claimed, kept in `STATE/unclaimable.json` for `bilag status`: each one is
/// skipped (the files after it are claimed as usual), warned about once, and dropped from the list once it is
/// claimed or gone.
public final class UnclaimableFiles: Sendable {
    let path: String
    private let entries: Mutex<[String: (file: UnclaimableFile, raw: [CChar]?)]>

    public init(stateDirectory: String) {
        path = stateDirectory + "/unclaimable.json"
        let known = Self.read(stateDirectory: stateDirectory)
        entries = Mutex(Dictionary(known.map { ($0.path, (file: $0, raw: [CChar]?.none)) }, uniquingKeysWith: { a, _ in a }))
    }

    /// The list as the daemon last wrote it.
    public static func read(stateDirectory: String) -> [UnclaimableFile] {
        guard let data = FileIO.read(stateDirectory + "/unclaimable.json") else { return [] }
        return (try? JSONDecoder().decode([UnclaimableFile].self, from: data)) ?? []
    }

    /// Notes a failed claim; true when it is news (not already listed with this error): warn then, not every pass.
    /// `path`: relative to `Inbox/` (a folder that cannot be read ends with `/`); `raw`: its absolute path as bytes.
    public func note(_ path: String, raw: [CChar], error: String, now: Date) -> Bool {
        let news = entries.withLock { map -> Bool in
            // Listed by this process already (an entry read from the file at start-up is warned about once more).
            if let old = map[path], old.file.error == error, old.raw != nil { return false }
            map[path] = (UnclaimableFile(path: path, error: error, since: map[path]?.file.since ?? Timestamp.string(now)), raw)
            return true
        }
        if news { save() }
        return news
    }

    /// True when the entry is listed (so `run --once` does not wait for it to become ready).
    public func contains(_ relativePath: String) -> Bool {
        entries.withLock { $0[relativePath] != nil }
    }

    /// Drops entries that were claimed (or, for folders, read) after all.
    public func drop(claimed: [String]) {
        let changed = entries.withLock { map -> Bool in
            guard !map.isEmpty else { return false }
            var changed = false
            for p in claimed where map.removeValue(forKey: p) != nil { changed = true }
            return changed
        }
        if changed { save() }
    }

    /// Drops entries no longer in the Inbox (`inbox`: its path, for entries listed before this process started).
    public func dropVanished(inbox: String) {
        let changed = entries.withLock { map -> Bool in
            let before = map.count
            map = map.filter { _, e in
                var st = stat()
                return e.raw.map { lstat($0, &st) == 0 } ?? (lstat(inbox + "/" + e.file.path, &st) == 0)
            }
            return map.count != before
        }
        if changed { save() }
    }

    /// The entries now, oldest first.
    public var list: [UnclaimableFile] {
        entries.withLock { $0.values.map(\.file) }.sorted { ($0.since, $0.path) < ($1.since, $1.path) }
    }

    private func save() {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? e.encode(list) else { return }
        try? FileIO.writeAtomically(data, to: path)
    }
}
