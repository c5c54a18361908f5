import BilagCore
import BilagStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes the posting journal into `Outbox/journal/` as files that appear whole, by atomic rename:
/// `journal-DATE-FIRSTSEQ-LASTSEQ.jsonl`, one JSON line per booked invoice.
///
/// The sequence numbers come from the database and the file names carry them, so after a crash the files
/// already written are recognised and never written again: no half line, no second line for an invoice.
public final class JournalWriter: @unchecked Sendable {
    public let directory: String
    public let maxLinesPerFile: Int
    let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    public init(outbox: String, maxLinesPerFile: Int = 10_000) throws {
        directory = outbox + "/journal"
        self.maxLinesPerFile = maxLinesPerFile
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Marks as flushed every entry that a journal file already holds (after a crash between rename and mark).
    public func reconcile(with store: Store) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            guard let (first, last) = Self.range(of: name) else { continue }
            try store.markJournalFlushed(first: first, last: last, file: name)
        }
    }

    /// Writes every unflushed entry; returns how many lines were written.
    ///
    /// Before writing, and under the lock, it takes over what a writer killed mid-flush left: a file renamed into
    /// place whose entries were not yet marked (they are marked now, never written again — whoever flushes next,
    /// the daemon after a batch or `bilag queue approve`, which never runs `recover`), and temporary files of a
    /// writer killed before its rename (removed; no live writer can own one while the lock is held).
    @discardableResult
    public func flush(_ store: Store, now: Date = Date()) throws -> Int {
        // The daemon and an operator's CLI may flush at once: one writer at a time.
        let lock = open(directory + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw BilagError("outbox-unwritable", "cannot open \(directory)/.lock", remedy: "check permissions of the Outbox") }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 { if errno != EINTR { throw BilagError("outbox-unwritable", "cannot lock the journal") } }
        defer { flock(lock, LOCK_UN) }
        var written = 0
        var checkedForCrashedWriter = false
        while true {
            let pending = try store.unflushedJournal(limit: maxLinesPerFile)
            guard let first = pending.first?.seq, let last = pending.last?.seq else { return written }
            if !checkedForCrashedWriter {
                checkedForCrashedWriter = true
                if try takeOverCrashedWrite(store, from: first) { continue }
            }
            var data = Data()
            data.reserveCapacity(pending.count * 600)
            for entry in pending {
                var line = try JSONDecoder().decode(JournalLine.self, from: Data(entry.line.utf8))
                line.seq = entry.seq
                data.append(try encoder.encode(line))
                data.append(0x0A)
            }
            let name = "journal-\(LocalDate.today(now))-\(Self.pad(first))-\(Self.pad(last)).jsonl"
            try FileIO.writeAtomically(data, to: directory + "/" + name)
            try store.markJournalFlushed(first: first, last: last, file: name)
            written += pending.count
        }
    }

    /// Marks the entries from `first` on that a journal file already holds, and removes dead writers' temporary
    /// files; call only under the lock. True when a file holding unflushed entries was found.
    ///
    /// Entries are written in sequence order, so a file left by a writer killed between rename and mark starts at
    /// the first unflushed entry; files ending before it are fully marked already and are skipped.
    func takeOverCrashedWrite(_ store: Store, from first: Int64) throws -> Bool {
        var found = false
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            if name.hasPrefix(".tmp-") { unlink(directory + "/" + name); continue }
            guard let (lo, hi) = Self.range(of: name), hi >= first else { continue }
            try store.markJournalFlushed(first: lo, last: hi, file: name)
            found = true
        }
        return found
    }

    static func pad(_ n: Int64) -> String { let s = String(n); return String(repeating: "0", count: max(0, 12 - s.count)) + s }

    /// The sequence range a journal file name carries.
    static func range(of name: String) -> (Int64, Int64)? {
        guard name.hasPrefix("journal-"), name.hasSuffix(".jsonl") else { return nil }
        let parts = name.dropLast(6).split(separator: "-")
        guard parts.count >= 3, let last = Int64(parts[parts.count - 1]), let first = Int64(parts[parts.count - 2]) else { return nil }
        return (first, last)
    }
}
