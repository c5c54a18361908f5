import BilagCore
import BilagStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The files of one writer: `Outbox/WRITER/WRITER-DATE-FIRSTSEQ-LASTSEQ.EXT`, each with its manifest in
/// `Outbox/manifests/WRITER/`, written exactly once per booking whatever crashes.
///
/// A file appears whole or not at all and is never rewritten: its manifest is written first under a pending name
/// (temporary file, fsync, link, fsync of the folder), then the file itself the same way (a link never replaces a
/// file), then the manifest takes its final name, then the store records the file. A writer killed on the way leaves
/// either a pending manifest and no file (removed: the bookings are written again) or a file the store does not
/// know: if its bookings — read from the file, or from its manifest when the format does not carry them — are exactly
/// bookings this writer has not written, by sequence number and invoice id, they are marked now; if not, the store is
/// behind its Outbox (restored from an older copy, its log lost) and `StoreBehindOutbox` says how to recover. Files
/// are never matched by the sequence range in their names alone.
public final class OutboxFiles: Sendable {
    public let writer: any OutboxWriter
    public let directory: String
    public let manifestDirectory: String
    public let maxEntriesPerFile: Int
    /// A file with fewer than `maxEntriesPerFile` bookings is closed once its oldest has waited this long (0: at once).
    public let closeAfterSeconds: Int
    public let kind: String?
    /// When the folders are looked through for what a writer killed mid-write left.
    public let takeOvers: TakeOverSchedule

    public init(_ writer: any OutboxWriter, outbox: String, maxEntriesPerFile: Int = 10_000, closeAfterSeconds: Int = 0, kind: String? = nil) {
        self.writer = writer
        directory = outbox + "/" + writer.name
        manifestDirectory = outbox + "/manifests/" + writer.name
        self.maxEntriesPerFile = max(1, maxEntriesPerFile)
        self.closeAfterSeconds = max(0, closeAfterSeconds)
        self.kind = kind ?? (type(of: writer) as? any OutboxWriterKind.Type)?.kind
        takeOvers = TakeOverSchedule()
    }

    public var name: String { writer.name }

    /// Takes over the files a writer killed mid-flush left, or throws `StoreBehindOutbox` when the folder holds
    /// bookings the store does not know.
    public func reconcile(with store: Store) throws {
        try Self.lockedHolding(directory, manifestDirectory) { lock in
            _ = try takeOverUnknownFiles(store)
            takeOvers.didCheck(now: Date())
            try TakeOverSchedule.mark(lock, writing: false)
        }
    }

    /// Writes every booking this writer has not written whose file is due to close; returns how many.
    ///
    /// Before writing, and under the lock, it takes over what a writer killed mid-flush left and removes dead
    /// writers' temporary files (no live writer can own one while the lock is held).
    @discardableResult
    public func flush(_ store: Store, now: Date = Date()) throws -> Int {
        try Self.lockedHolding(directory, manifestDirectory) { lock in
            var written = 0
            // The folders are looked through only when a writer may have left something (`TakeOverSchedule`).
            var checked = !takeOvers.isDue(lock: lock, now: now)
            var marked = false
            while true {
                let pending = try store.unwritten(by: name, limit: maxEntriesPerFile)
                guard let first = pending.first?.seq, let last = pending.last?.seq else { break }
                if !checked {
                    checked = true
                    let tookOver = try takeOverUnknownFiles(store)
                    takeOvers.didCheck(now: now)
                    if tookOver { continue }
                }
                if pending.count < maxEntriesPerFile, closeAfterSeconds > 0,
                   let oldest = Timestamp.date(pending[0].createdAt), now.timeIntervalSince(oldest) < Double(closeAfterSeconds) {
                    break
                }
                let entries = try pending.map(OutboxEntry.init)
                let data = try writer.render(entries)
                let file = fileName(first: first, last: last, now: now)
                let manifest = OutboxManifest(file: file, writer: name, kind: kind, entries: entries, data: data, writtenAt: Timestamp.string(now))
                if !marked { try TakeOverSchedule.mark(lock, writing: true); marked = true }
                do {
                    try FileIO.writeAtomicallyNew(try manifest.encoded(), to: pendingManifestPath(file))
                    try FileIO.writeAtomicallyNew(data, to: directory + "/" + file)
                } catch FileIO.AlreadyExists.file {
                    throw StoreBehindOutbox(findings: ["\(name) file \(file) exists already, but the store has not written it; the store's sequence numbers restarted below its Outbox"], storePath: store.path)
                }
                try publishManifest(file)
                let misfits = try store.recordJournalFile(file, lines: manifest.entries, writer: name)
                precondition(misfits.isEmpty, "entries written under the \(name) lock changed")
                written += pending.count
            }
            // Everything written is recorded (a write that threw left the mark for the next writer to look). A mark
            // found but not acted on (nothing to write) stays for the next writer.
            if checked { try TakeOverSchedule.mark(lock, writing: false) }
            return written
        }
    }

    /// `WRITER-DATE-FIRSTSEQ-LASTSEQ.EXT` (DATE the municipality's): unique (no two files of a writer share a booking)
    /// and sorted by time.
    func fileName(first: Int64, last: Int64, now: Date) -> String {
        "\(name)-\(LocalDate.today(now, in: writer.timeZone))-\(Self.pad(first))-\(Self.pad(last)).\(writer.fileExtension)"
    }

    /// True for a name this writer gives its files.
    public func isOwnFile(_ file: String) -> Bool { file.hasPrefix(name + "-") && file.hasSuffix("." + writer.fileExtension) }

    public func manifestPath(_ file: String) -> String { manifestDirectory + "/" + file + ".manifest.json" }
    func pendingManifestPath(_ file: String) -> String { manifestDirectory + "/.pending-" + file + ".manifest.json" }

    /// Gives a pending manifest its final name, once its file is in place.
    func publishManifest(_ file: String) throws {
        try Self.rename(pendingManifestPath(file), to: manifestPath(file), file: file, in: manifestDirectory)
    }

    /// Removes dead writers' temporary files; publishes each pending manifest whose file is in place and removes those
    /// whose file never appeared. Call only under the lock.
    static func tidy(_ directory: String, _ manifestDirectory: String, publish: (String) throws -> Void) throws {
        removeTemporaryFiles(directory, manifestDirectory)
        for pending in list(manifestDirectory) where pending.hasPrefix(".pending-") {
            let file = String(pending.dropFirst(".pending-".count).dropLast(".manifest.json".count))
            if FileManager.default.fileExists(atPath: directory + "/" + file) { try publish(file) } else { unlink(manifestDirectory + "/" + pending) }
        }
    }

    /// Removes dead writers' temporary files (`.tmp-…`) from a writer's folders. Call only under the lock (no live
    /// writer can own one then).
    static func removeTemporaryFiles(_ directory: String, _ manifestDirectory: String) {
        for dir in [directory, manifestDirectory] {
            for tmp in list(dir) where tmp.hasPrefix(".tmp-") { unlink(dir + "/" + tmp) }
        }
    }

    /// Renames a pending manifest to its final name and syncs its folder.
    static func rename(_ pending: String, to final: String, file: String, in manifestDirectory: String) throws {
        guard Glibc.rename(pending, final) == 0 else {
            throw BilagError("outbox-unwritable", "cannot rename the manifest of \(file) in \(manifestDirectory): \(String(cString: strerror(errno)))", remedy: "check the Outbox's permissions and free space")
        }
        FileIO.sync(manifestDirectory)
    }

    /// Runs `body` holding `directory/.lock`, making the folders first.
    static func locked<T>(_ directory: String, _ manifestDirectory: String, _ body: () throws -> T) throws -> T {
        try lockedHolding(directory, manifestDirectory) { _ in try body() }
    }

    /// Runs `body` holding `directory/.lock` (its descriptor given to `body`), making the folders first.
    static func lockedHolding<T>(_ directory: String, _ manifestDirectory: String, _ body: (Int32) throws -> T) throws -> T {
        try FileIO.makeDirectory(directory)
        try FileIO.makeDirectory(manifestDirectory)
        let lock = open(directory + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw BilagError("outbox-unwritable", "cannot open \(directory)/.lock", remedy: "check permissions of the Outbox") }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 { if errno != EINTR { throw BilagError("outbox-unwritable", "cannot lock \(directory)") } }
        defer { flock(lock, LOCK_UN) }
        return try body(lock)
    }

    /// A file of this writer in its folder (or named by a manifest) that the store did not record writing.
    public struct UnknownFile: Sendable {
        public var name: String
        /// Its bookings; nil when neither the file nor a manifest says.
        public var lines: [Store.JournalFileLine]?
        /// The bookings that are not entries this writer has yet to write: none for what a writer killed between its
        /// link and its mark left (taken over), some for a store that is behind its Outbox.
        public var misfits: [Store.JournalFileLine]
        /// True when the file holds bookings the store does not know.
        public var isBehind: Bool { lines == nil || !misfits.isEmpty }
    }

    /// The files the store did not record writing, each compared with the store (reads only those files), and how
    /// many files the writer's folder holds. (A folder that does not exist holds none.)
    public func unknownFiles(_ store: Store) throws -> (all: Int, unknown: [UnknownFile]) {
        let known = try store.journalFileNames(writer: name)
        let names = Self.list(directory).filter(isOwnFile)
        let candidates = fileNames().subtracting(known).sorted()
        let unknown = try candidates.map { file -> UnknownFile in
            // A writer killed after its file appeared but before the manifest took its final name left the manifest
            // under its pending name: written whole before the file was, it describes the file as well.
            let data = FileIO.read(directory + "/" + file)
            let lines = data.flatMap(writer.bookings(in:)) ?? OutboxManifest.read(manifestPath(file))?.entries
                ?? (data != nil ? OutboxManifest.read(pendingManifestPath(file))?.entries : nil)
            guard let lines, !lines.isEmpty else { return UnknownFile(name: file, lines: nil, misfits: []) }
            return UnknownFile(name: file, lines: lines, misfits: try store.journalFileMisfits(file, lines: lines, writer: name))
        }
        return (names.count, unknown)
    }

    /// Marks the bookings that files unknown to the store hold, when they are exactly bookings not yet written (a
    /// writer killed between link and mark); removes dead writers' temporary files, and pending manifests whose file
    /// never appeared. Call only under the lock. True when a file was taken over; throws `StoreBehindOutbox` for a file
    /// that holds anything else.
    func takeOverUnknownFiles(_ store: Store) throws -> Bool {
        try Self.tidy(directory, manifestDirectory, publish: publishManifest)
        let unknown = try unknownFiles(store).unknown
        let behind = unknown.filter(\.isBehind)
        if !behind.isEmpty { throw StoreBehindOutbox(findings: findings(behind), storePath: store.path) }
        for file in unknown { _ = try store.recordJournalFile(file.name, lines: file.lines ?? [], writer: name) }
        return !unknown.isEmpty
    }

    /// What unknown files holding bookings the store does not know say about the store, in one sentence each.
    public func findings(_ behind: [UnknownFile]) -> [String] {
        let label = name == Store.journalWriter ? "journal" : "\(name) (Outbox writer)"
        var findings = behind.filter { $0.lines == nil }.map { "\(label) file \($0.name) cannot be read as one of its files, and has no manifest" }
        let holding = behind.filter { $0.lines != nil }
        if !holding.isEmpty {
            let bookings = holding.reduce(0) { $0 + $1.misfits.count }
            findings.append("\(holding.count) \(label) file(s) in \(directory) hold \(bookings) booking(s) the store does not know (\(holding.prefix(3).map(\.name).joined(separator: ", "))\(holding.count > 3 ? ", …" : ""))")
        }
        return findings
    }

    /// The names of the writer's files: those in its folder, and those its manifests name (a file the ERP has taken
    /// away still has its manifest: what it held stays known).
    public func fileNames() -> Set<String> {
        let manifested = Self.list(manifestDirectory).filter { !$0.hasPrefix(".") && $0.hasSuffix(".manifest.json") }.map { String($0.dropLast(".manifest.json".count)) }
        return Set(Self.list(directory).filter(isOwnFile)).union(manifested)
    }

    /// The names in a folder (none when it does not exist).
    static func list(_ directory: String) -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] }

    static func pad(_ n: Int64) -> String { let s = String(n); return String(repeating: "0", count: max(0, 12 - s.count)) + s }
}
