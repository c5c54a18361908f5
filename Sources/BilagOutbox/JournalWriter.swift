import BilagCore
import BilagStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes the posting journal into `Outbox/journal/` as files that appear whole, by atomic rename:
/// `journal-DATE-FIRSTSEQ-LASTSEQ.jsonl`, one JSON line per booked invoice carrying its invoice id and the SHA-256 of
/// its original.
///
/// The store records every file it writes (`journal_file`). A file in the folder the store does not know is either
/// the work of a writer killed between its rename and its mark — its lines are exactly entries not yet written, by
/// sequence number and invoice id, and are marked now — or proof that the store is behind its Outbox (restored from
/// an older copy, its log lost): then nothing is written and `StoreBehindOutbox` says how to recover. Files are never
/// matched by the sequence range in their names alone, and a file is never replaced.
public final class JournalWriter: Sendable {
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

    /// Takes over the files a writer killed mid-flush left, or throws `StoreBehindOutbox` when the folder holds
    /// bookings the store does not know.
    public func reconcile(with store: Store) throws {
        try locked { _ = try takeOverUnknownFiles(store) }
    }

    /// Writes every unflushed entry; returns how many lines were written.
    ///
    /// Before writing, and under the lock, it takes over what a writer killed mid-flush left (whoever flushes next,
    /// the daemon after a batch or `bilag queue approve`, which never runs `recover`), and removes temporary files of
    /// a writer killed before its rename (no live writer can own one while the lock is held).
    @discardableResult
    public func flush(_ store: Store, now: Date = Date()) throws -> Int {
        try locked {
            var written = 0
            var checked = false
            while true {
                let pending = try store.unflushedJournal(limit: maxLinesPerFile)
                guard let first = pending.first?.seq, let last = pending.last?.seq else { return written }
                if !checked {
                    checked = true
                    if try takeOverUnknownFiles(store) { continue }
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
                do {
                    try FileIO.writeAtomicallyNew(data, to: directory + "/" + name)
                } catch FileIO.AlreadyExists.file {
                    throw StoreBehindOutbox(findings: ["journal file \(name) exists already, but the store has not written it; the store's sequence numbers restarted below its Outbox"], storePath: store.path)
                }
                let misfits = try store.recordJournalFile(name, lines: pending.map { .init(seq: $0.seq, invoiceID: $0.invoiceID) })
                precondition(misfits.isEmpty, "entries written under the journal lock changed")
                written += pending.count
            }
        }
    }

    /// Runs `body` holding the journal lock: the daemon and an operator's CLI may flush at once, one writer at a time.
    func locked<T>(_ body: () throws -> T) throws -> T {
        let lock = open(directory + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw BilagError("outbox-unwritable", "cannot open \(directory)/.lock", remedy: "check permissions of the Outbox") }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 { if errno != EINTR { throw BilagError("outbox-unwritable", "cannot lock the journal") } }
        defer { flock(lock, LOCK_UN) }
        return try body()
    }

    /// A journal file in the folder that the store did not record writing.
    public struct UnknownFile: Sendable {
        public var name: String
        /// Its lines; nil when it cannot be read as a journal.
        public var lines: [Store.JournalFileLine]?
        /// The lines that are not entries of the store waiting to be written: none for what a writer killed between
        /// rename and mark left (taken over), some for a store that is behind its Outbox.
        public var misfits: [Store.JournalFileLine]
        /// True when the file holds bookings the store does not know.
        public var isBehind: Bool { lines == nil || !misfits.isEmpty }
    }

    /// The journal files the store did not record writing, each compared with the store (reads only those files).
    /// (A folder that does not exist holds none.)
    public static func unknownFiles(in directory: String, _ store: Store) throws -> (all: Int, unknown: [UnknownFile]) {
        let known = try store.journalFileNames()
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter(Self.isJournalFile).sorted()
        let unknown = try names.filter { !known.contains($0) }.map { name -> UnknownFile in
            guard let lines = Self.lines(of: directory + "/" + name), !lines.isEmpty else { return UnknownFile(name: name, lines: nil, misfits: []) }
            return UnknownFile(name: name, lines: lines, misfits: try store.journalFileMisfits(name, lines: lines))
        }
        return (names.count, unknown)
    }

    /// Marks the entries that journal files unknown to the store hold, when they are exactly entries not yet written
    /// (a writer killed between rename and mark), and removes dead writers' temporary files; call only under the lock.
    /// True when a file was taken over; throws `StoreBehindOutbox` for a file that holds anything else.
    func takeOverUnknownFiles(_ store: Store) throws -> Bool {
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasPrefix(".tmp-") { unlink(directory + "/" + name) }
        let unknown = try Self.unknownFiles(in: directory, store).unknown
        let behind = unknown.filter(\.isBehind)
        if !behind.isEmpty { throw StoreBehindOutbox(findings: Self.findings(behind, in: directory), storePath: store.path) }
        for file in unknown { _ = try store.recordJournalFile(file.name, lines: file.lines ?? []) }
        return !unknown.isEmpty
    }

    /// What unknown files holding bookings the store does not know say about the store, in one sentence each.
    public static func findings(_ behind: [UnknownFile], in directory: String) -> [String] {
        var findings = behind.filter { $0.lines == nil }.map { "journal file \($0.name) cannot be read as a journal" }
        let holding = behind.filter { $0.lines != nil }
        if !holding.isEmpty {
            let bookings = holding.reduce(0) { $0 + $1.misfits.count }
            findings.append("\(holding.count) journal file(s) in \(directory) hold \(bookings) booking(s) the store does not know (\(holding.prefix(3).map(\.name).joined(separator: ", "))\(holding.count > 3 ? ", …" : ""))")
        }
        return findings
    }

    /// The (seq, invoice id) of every line of a journal file; nil when a line is not a journal line.
    public static func lines(of path: String) -> [Store.JournalFileLine]? {
        guard let data = FileIO.read(path) else { return nil }
        var out: [Store.JournalFileLine] = []
        let decoder = JSONDecoder()
        for raw in data.split(separator: 0x0A) {
            guard let head = try? decoder.decode(LineHead.self, from: raw) else { return nil }
            out.append(.init(seq: head.seq, invoiceID: head.invoice_id))
        }
        return out
    }

    /// The fields of a journal line that name its booking.
    struct LineHead: Decodable {
        var seq: Int64
        var invoice_id: String
    }

    /// True for a name the journal writer gives its files.
    public static func isJournalFile(_ name: String) -> Bool { name.hasPrefix("journal-") && name.hasSuffix(".jsonl") }

    static func pad(_ n: Int64) -> String { let s = String(n); return String(repeating: "0", count: max(0, 12 - s.count)) + s }
}
