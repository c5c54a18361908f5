import BilagCore
import BilagStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Case updates for a case system that takes files: `Outbox/case-updates/CONNECTOR/CONNECTOR-DATE-FIRSTID-LASTID.jsonl`,
/// one update a line (connector, action, params, idempotency key, invoice), each file with its manifest in
/// `Outbox/case-updates/manifests/CONNECTOR/`. Once its file is written an update counts as delivered.
///
/// Written exactly once, as `OutboxFiles` writes bookings: the manifest first under a pending name, then the file
/// (temporary name, fsync, link, fsync of the folder: whole or not at all, never replacing a file), then the manifest
/// takes its final name, then the store marks the updates delivered with the file's name. A writer killed on the way
/// leaves a pending manifest without its file (removed: the updates are written again) or a file the store does not
/// know (or a published manifest whose file the case system has collected already); that file's updates, found by
/// their idempotency keys, are marked delivered with it before anything new is written, so no update is written into
/// two files, and a published manifest is never rewritten.
public final class CaseUpdateFiles: Sendable {
    public let connector: String
    public let directory: String
    public let manifestDirectory: String
    /// When the folders are looked through for what a writer killed mid-write left (`TakeOverSchedule`): at the first
    /// write of a process, after a writer of any process stopped half-way, and every few minutes; not at every write.
    public let takeOvers = TakeOverSchedule()

    public init(connector: String, outbox: String) {
        self.connector = connector
        directory = outbox + "/case-updates/" + connector
        manifestDirectory = outbox + "/case-updates/manifests/" + connector
    }

    /// What a case-update file holds, written beside it.
    public struct Manifest: Codable, Sendable, Equatable {
        public var file: String
        public var connector: String
        public var count: Int
        public var sha256: String
        public var bytes: Int
        public var writtenAt: String
        /// Each update by its idempotency key and invoice.
        public var updates: [Line]
        public struct Line: Codable, Sendable, Equatable {
            public var idempotencyKey: String
            public var invoiceID: String
            enum CodingKeys: String, CodingKey { case idempotencyKey = "idempotency_key", invoiceID = "invoice_id" }
        }
        enum CodingKeys: String, CodingKey { case file, connector, count, sha256, bytes, writtenAt = "written_at", updates }
    }

    /// Writes these pending updates as one file and marks them delivered; returns the invoices whose held bookings
    /// that released. Updates a file already holds (a writer killed before its mark) are marked with that file.
    @discardableResult
    public func write(_ updates: [PendingCaseUpdate], store: Store, now: Date = Date()) throws -> [String] {
        try OutboxFiles.lockedHolding(directory, manifestDirectory) { lock in
            var released: [String] = []
            if takeOvers.isDue(lock: lock, now: now) {
                released = try takeOver(store)
                takeOvers.didCheck(now: now)
            }
            let still = try store.pendingCaseUpdateIDs(keys: updates.map(\.idempotencyKey))
            let due = updates.filter { still[$0.idempotencyKey] == $0.id }
            guard let first = due.first?.id, let last = due.last?.id else {
                try TakeOverSchedule.mark(lock, writing: false)
                return released
            }
            var data = Data()
            for u in due { data.append(contentsOf: u.payload.utf8); data.append(0x0A) }
            let file = "\(connector)-\(LocalDate.today(now, in: LocalDate.municipalTimeZone))-\(Self.pad(first))-\(Self.pad(last)).jsonl"
            let manifest = Manifest(file: file, connector: connector, count: due.count, sha256: OutboxManifest.sha256(data),
                                    bytes: data.count, writtenAt: Timestamp.string(now), updates: due.map { .init(idempotencyKey: $0.idempotencyKey, invoiceID: $0.invoiceID) })
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            // A published manifest is never rewritten: its file was delivered (and may have been collected).
            if FileManager.default.fileExists(atPath: manifestPath(file)) {
                throw BilagError("case-update-file-exists", "case-update file \(file) was published already (its manifest is in \(manifestDirectory)), but the store has not written it", remedy: "run `bilag store check`; the store may be behind its Outbox")
            }
            // Marked until the store knows the file: a writer that stops half-way makes the next write of any process
            // look through the folders.
            try TakeOverSchedule.mark(lock, writing: true)
            do {
                try FileIO.writeAtomicallyNew(try encoder.encode(manifest), to: pendingManifestPath(file))
                try FileIO.writeAtomicallyNew(data, to: directory + "/" + file)
            } catch FileIO.AlreadyExists.file {
                throw BilagError("case-update-file-exists", "case-update file \(file) exists already, but the store has not written it", remedy: "run `bilag store check`; the store may be behind its Outbox")
            }
            try publishManifest(file)
            released += try store.markCaseUpdatesSent(due.map(\.id), file: file)
            try TakeOverSchedule.mark(lock, writing: false)
            return released
        }
    }

    /// Marks delivered the pending updates held by files the store does not know (a writer killed between its link and
    /// its mark), publishes manifests whose file is there and removes those whose file never appeared, and removes dead
    /// writers' temporary files. Call only under the lock.
    func takeOver(_ store: Store) throws -> [String] {
        try OutboxFiles.tidy(directory, manifestDirectory, publish: publishManifest)
        let known = try store.caseUpdateFileNames(connector: connector)
        var released: [String] = []
        func take(_ file: String, _ keys: [String]) throws {
            let ids = try store.pendingCaseUpdateIDs(keys: keys)
            if !ids.isEmpty { released += try store.markCaseUpdatesSent(Array(ids.values).sorted(), file: file) }
        }
        for file in Self.list(directory).filter({ $0.hasPrefix(connector + "-") && $0.hasSuffix(".jsonl") && !known.contains($0) }).sorted() {
            try take(file, (FileIO.read(directory + "/" + file) ?? Data()).split(separator: 0x0A).compactMap { line in
                ((try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any])?["idempotency_key"] as? String
            })
        }
        // A published manifest names a file that was whole in the folder when it was published; the case system may
        // have collected the file since. Its updates were delivered all the same.
        let suffix = ".manifest.json"
        for name in Self.list(manifestDirectory).filter({ $0.hasPrefix(connector + "-") && $0.hasSuffix(suffix) }).sorted() {
            let file = String(name.dropLast(suffix.count))
            guard !known.contains(file), let data = FileIO.read(manifestDirectory + "/" + name),
                  let manifest = try? JSONDecoder().decode(Manifest.self, from: data) else { continue }
            try take(file, manifest.updates.map(\.idempotencyKey))
        }
        return released
    }

    public func manifestPath(_ file: String) -> String { manifestDirectory + "/" + file + ".manifest.json" }
    func pendingManifestPath(_ file: String) -> String { manifestDirectory + "/.pending-" + file + ".manifest.json" }

    func publishManifest(_ file: String) throws {
        try OutboxFiles.rename(pendingManifestPath(file), to: manifestPath(file), file: file, in: manifestDirectory)
    }


    static func list(_ directory: String) -> [String] { OutboxFiles.list(directory) }
    static func pad(_ n: Int64) -> String { OutboxFiles.pad(n) }
}
