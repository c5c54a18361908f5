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
    @discardableResult
    public func flush(_ store: Store, now: Date = Date()) throws -> Int {
        // The daemon and an operator's CLI may flush at once: one writer at a time.
        let lock = open(directory + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw BilagError("outbox-unwritable", "cannot open \(directory)/.lock", remedy: "check permissions of the Outbox") }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 { if errno != EINTR { throw BilagError("outbox-unwritable", "cannot lock the journal") } }
        defer { flock(lock, LOCK_UN) }
        var written = 0
        while true {
            let pending = try store.unflushedJournal(limit: maxLinesPerFile)
            guard let first = pending.first?.seq, let last = pending.last?.seq else { return written }
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

    static func pad(_ n: Int64) -> String { let s = String(n); return String(repeating: "0", count: max(0, 12 - s.count)) + s }

    /// The sequence range a journal file name carries.
    static func range(of name: String) -> (Int64, Int64)? {
        guard name.hasPrefix("journal-"), name.hasSuffix(".jsonl") else { return nil }
        let parts = name.dropLast(6).split(separator: "-")
        guard parts.count >= 3, let last = Int64(parts[parts.count - 1]), let first = Int64(parts[parts.count - 2]) else { return nil }
        return (first, last)
    }
}
