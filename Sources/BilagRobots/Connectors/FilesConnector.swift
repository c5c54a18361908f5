import BilagCore
import BilagRobotLanguage
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The embedded default connector: case data as JSON or CSV files in a folder.
///
/// A query `orders` reads `FOLDER/orders.json` (an array of objects) or `FOLDER/orders.csv`, and answers the records
/// whose fields equal every parameter. Write-backs are appended to `FOLDER/updates.jsonl` (once per idempotency key)
/// and, where configuration maps an action to a record update, are seen by later lookups — as a case system would.
public final class FilesConnector: Connector, Sendable {
    public let name: String
    public let folder: String
    /// action → (query, key field in the records ← param name, fields to set ← param names or literals)
    public let actions: [String: ActionMapping]
    /// The caches, behind one lock.
    private let state = Mutex(State())
    /// Held by one sender at a time, across its write (`send(all:)`), while lookups go on under `state`.
    private let sending = Mutex(())
    /// Raised by `mayHaveChanged` (between batches): a query's file, and the updates file, are looked at again (a
    /// `stat`, and a read of what was appended) at most once per value, not at every lookup.
    private let epoch = Atomic<Int>(1)

    private struct State {
        /// Per file: its modification time and size when read, its records, and a number new at every read.
        var cache: [String: (mtime: Double, size: Int64, records: Records)] = [:]
        /// Per query: its records when its file was last looked at, and the `epoch` it was looked at in.
        var looked: [String: (epoch: Int, records: Records)] = [:]
        /// The `epoch` the updates file was last read in (0: read it at the next lookup).
        var updatesLooked = 0
        /// Numbers the reads of files (`Records.version`).
        var reads = 0
        /// The updates file read so far: its length, the updates in it and their idempotency keys. The file only grows,
        /// so each read takes just what was appended since (by this process or another).
        var updatesRead: (offset: Int, updates: [CaseUpdate], keys: Set<String>) = (0, [], [])
        /// Per query: the records with every update applied (indexed for lookups), the read of the file and the update
        /// count they were computed from. New updates are applied to it as they arrive, not to the file's records again.
        var overlays: [String: (version: Int, updates: Int, records: RecordIndex)] = [:]

        /// Reads what was appended to `updates.jsonl` since the last read.
        mutating func refreshUpdates(in folder: String) {
            guard let handle = FileHandle(forReadingAtPath: folder + "/updates.jsonl") else { return }
            defer { try? handle.close() }
            guard (try? handle.seek(toOffset: UInt64(updatesRead.offset))) != nil, let data = try? handle.readToEnd(), !data.isEmpty else { return }
            guard let lastNewline = data.lastIndex(of: 0x0A) else { return } // a line still being written: next time
            let complete = data[data.startIndex...lastNewline]
            for u in FilesConnector.updates(inLines: complete) {
                updatesRead.updates.append(u)
                updatesRead.keys.insert(u.idempotencyKey)
            }
            updatesRead.offset += complete.count
        }
    }

    /// The updates in `lines` (complete lines of `updates.jsonl`), each as `JSONDecoder` reads it; lines it cannot read
    /// are passed over. A line as bilag writes it is read by the payload reader (`CaseUpdate(payload:)`: what the
    /// decoder gives, without its ~100,000 instructions a line); anything else, or bytes that are not UTF-8, by the
    /// decoder.
    static func updates(inLines lines: Data) -> [CaseUpdate] {
        let decoder = JSONDecoder()
        return lines.split(separator: 0x0A).compactMap { line in
            String(validating: line, as: UTF8.self).flatMap(CaseUpdate.init(payload:)) ?? (try? decoder.decode(CaseUpdate.self, from: Data(line)))
        }
    }

    /// A query's records as one read of its file gave them (`version` tells reads apart).
    struct Records {
        var version: Int
        var rows: [[String: Value]]
    }

    /// How an action changes the records a query answers.
    public struct ActionMapping: Sendable, Equatable {
        public var query: String
        /// record field → param name identifying the record
        public var match: [String: String]
        /// record field → param name (`=literal` for a fixed text)
        public var set: [String: String]
        public init(query: String, match: [String: String], set: [String: String]) { self.query = query; self.match = match; self.set = set }
    }

    /// `actions` by the query whose records they change.
    private let actionsByQuery: [String: [String: ActionMapping]]

    /// The files a query's data may be in, `FOLDER/QUERY.EXT`, in the order they are looked for.
    static let dataExtensions = ["json", "csv"]

    /// The queries the folder holds data for, sorted (what `bilag robots check` asks a lookup's query of).
    public var queries: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).compactMap { file in
            let ext = (file as NSString).pathExtension
            return Self.dataExtensions.contains(ext) ? (file as NSString).deletingPathExtension : nil
        }.sorted()
    }

    public init(name: String, folder: String, actions: [String: ActionMapping] = [:]) {
        self.name = name; self.folder = folder; self.actions = actions
        actionsByQuery = Dictionary(grouping: actions, by: \.value.query).mapValues { Dictionary(uniqueKeysWithValues: $0.map { ($0.key, $0.value) }) }
    }

    /// The field names a query's records have (as its data file holds them now); empty when it has no record.
    public func fieldNames(of query: String) throws -> Set<String> {
        Set(try load(query).rows.flatMap(\.keys))
    }

    public func lookup(query: String, params: [String: Value]) throws -> [[String: Value]] {
        try lookup(query: query, params: params, ignoring: nil)
    }

    public func lookup(query: String, params: [String: Value], ignoringUpdatesOf invoiceID: String) throws -> [[String: Value]] {
        try lookup(query: query, params: params, ignoring: invoiceID)
    }

    func lookup(query: String, params: [String: Value], ignoring: String?) throws -> [[String: Value]] {
        let records = try load(query)
        if ignoring == nil { return overlaid(records, query: query, params: params) }
        let updated = try applyUpdates(to: records.rows, query: query, ignoring: ignoring)
        return updated.filter { r in params.allSatisfy { Table.same(r[$0.key] ?? .null, $0.value) } }
    }

    public func send(_ update: CaseUpdate) throws { try send(all: [update]) }

    public func mayHaveChanged() { epoch.add(1, ordering: .relaxed) }

    public var takesUpdatesTogether: Bool { true }

    /// Appends the updates whose keys the file does not hold yet, in one write and one sync.
    ///
    /// The caches' lock is held only to see what the file holds and to note what was appended, not across the write
    /// and its sync: lookups (on the committing thread) never wait for the disk. Senders take turns (`sending`).
    public func send(all updates: [CaseUpdate]) throws {
        try sending.withLock { _ in
            let path = folder + "/updates.jsonl"
            let fresh = state.withLock { s in
                s.refreshUpdates(in: folder)
                var keys = Set<String>()
                return updates.filter { !s.updatesRead.keys.contains($0.idempotencyKey) && keys.insert($0.idempotencyKey).inserted }
            }
            guard !fresh.isEmpty else { return }
            // Each line as `JSONEncoder` (`.sortedKeys`, `.withoutEscapingSlashes`) writes it: `jsonPayload` writes the
            // same bytes without the encoder's cost (a tenth of a millisecond a line), the encoder where it cannot.
            var enc: JSONEncoder?
            var lines = Data()
            for u in fresh {
                if let line = u.jsonPayload {
                    lines.append(contentsOf: line.utf8)
                } else {
                    if enc == nil { enc = JSONEncoder(); enc?.outputFormatting = [.sortedKeys, .withoutEscapingSlashes] }
                    lines.append(try enc!.encode(u))
                }
                lines.append(0x0A)
            }
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw ConnectorError.unavailable(connector: name, message: "cannot write \(path)") }
            defer { close(fd) }
            var before = stat(), after = stat()
            let sized = fstat(fd, &before) == 0
            let written = lines.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) == $0.count } && fsync(fd) == 0
            let grown = written && sized && fstat(fd, &after) == 0
            state.withLock { s in
                // Later lookups of this process see what was written at once: the file is read again at the next one.
                s.updatesLooked = 0
                // When the file held just what was read and grew by exactly these lines (no lookup has read them
                // meanwhile), they are taken as a read of them would give them back (`readBack`), not read and decoded
                // again; else the next read takes them from the file.
                guard grown, Int(before.st_size) == s.updatesRead.offset, Int(after.st_size) == s.updatesRead.offset + lines.count else { return }
                for u in fresh {
                    s.updatesRead.updates.append(u.readBack)
                    s.updatesRead.keys.insert(u.idempotencyKey)
                }
                s.updatesRead.offset += lines.count
            }
            guard written else { throw ConnectorError.unavailable(connector: name, message: "cannot write \(path)") }
        }
    }

    /// The records of a query's file: as last read when it was looked at since the last `mayHaveChanged`, else
    /// looked at again (read again when its modification time or size changed).
    func load(_ query: String) throws -> Records {
        let now = epoch.load(ordering: .relaxed)
        if let hit = state.withLock({ s in s.looked[query].flatMap { $0.epoch == now ? $0.records : nil } }) { return hit }
        let records = try read(query)
        state.withLock { $0.looked[query] = (now, records) }
        return records
    }

    func read(_ query: String) throws -> Records {
        guard query.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ConnectorError.unknown(connector: name, message: "query '\(query)' is not a plain name")
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            throw ConnectorError.unavailable(connector: name, message: "the case-data folder \(folder) is missing")
        }
        for ext in Self.dataExtensions {
            let path = "\(folder)/\(query).\(ext)"
            var st = stat()
            guard stat(path, &st) == 0 else { continue }
            let mtime = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9, size = Int64(st.st_size)
            let cached: Records? = state.withLock { s in
                if let c = s.cache[path], c.mtime == mtime, c.size == size { return c.records }
                return nil
            }
            if let cached { return cached }
            guard let data = FileManager.default.contents(atPath: path) else { throw ConnectorError.unavailable(connector: name, message: "cannot read \(path)") }
            let rows: [[String: Value]]
            if ext == "json" {
                guard let arr = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
                    throw ConnectorError.unavailable(connector: name, message: "\(path) is not a JSON array of objects")
                }
                rows = arr.map { $0.mapValues(Self.value) }
            } else {
                rows = try CSV.records(String(decoding: data, as: UTF8.self), file: path).map { $0.mapValues { $0.isEmpty ? Value.null : .string($0) } }
            }
            return state.withLock { s in
                s.reads += 1
                let records = Records(version: s.reads, rows: rows)
                s.cache[path] = (mtime, size, records)
                return records
            }
        }
        throw ConnectorError.unknown(connector: name, message: "no data for query '\(query)' (expected \(folder)/\(query).json or .csv)")
    }

    /// The records matching `params`, with every update applied. The updated records are kept per query and only
    /// the updates that arrived since are applied to them; they are computed afresh when the file was read again.
    func overlaid(_ records: Records, query: String, params: [String: Value]) -> [[String: Value]] {
        let relevant = actionsByQuery[query] ?? [:]
        // No action writes to this query: the update log cannot change its records, so it need not be read.
        return state.withLock { s in
            // Taken out while it is used, so finding by a new set of fields indexes it in place, not in a copy.
            var index = RecordIndex(records.rows), applied = 0
            if let o = s.overlays.removeValue(forKey: query), o.version == records.version { index = o.records; applied = o.updates }
            let now = epoch.load(ordering: .relaxed)
            if !relevant.isEmpty, s.updatesLooked != now {
                s.refreshUpdates(in: folder)
                s.updatesLooked = now
            }
            if !relevant.isEmpty {
                let updates = s.updatesRead.updates
                if applied < updates.count {
                    Self.apply(updates[applied...], relevant, to: &index, ignoring: nil)
                    applied = updates.count
                }
            }
            let found = index.matching(params)
            s.overlays[query] = (records.version, applied, index)
            return found
        }
    }

    func applyUpdates(to records: [[String: Value]], query: String, ignoring: String?) throws -> [[String: Value]] {
        let relevant = actionsByQuery[query] ?? [:]
        guard !relevant.isEmpty else { return records }
        let updates = state.withLock { s in
            s.refreshUpdates(in: folder)
            return s.updatesRead.updates
        }
        var index = RecordIndex(records)
        Self.apply(updates[...], relevant, to: &index, ignoring: ignoring)
        return index.records
    }

    /// Applies updates, in order, to the records their action's mapping names (found by index, not by a scan).
    /// (A field an index finds records by that changes drops that index, `RecordIndex.set`: the next update is found
    /// among the records as they are then.)
    static func apply(_ updates: ArraySlice<CaseUpdate>, _ relevant: [String: ActionMapping], to index: inout RecordIndex, ignoring: String?) {
        for u in updates {
            guard let mapping = relevant[u.action], u.invoiceID != ignoring else { continue }
            let targets = index.indices(mapping.match.mapValues { u.params[$0] ?? .null })
            for i in targets {
                for (field, source) in mapping.set {
                    index.set(field, to: source.hasPrefix("=") ? .string(String(source.dropFirst())) : (u.params[source] ?? .null), at: i)
                }
            }
        }
    }

    static func value(_ any: Any) -> Value {
        switch any {
        case let s as String:
            return .string(s)
        case let n as NSNumber:
            // JSON true/false arrive as NSNumber of type char; amounts are best given as strings ("1250.50").
            if String(cString: n.objCType) == "c" { return .bool(n.boolValue) }
            return Amount(parsing: n.stringValue).map(Value.number) ?? .null
        case let b as Bool:
            return .bool(b)
        case let a as [Any]:
            return .list(a.map(value))
        case let d as [String: Any]:
            return .record(d.mapValues(value))
        default:
            return .null
        }
    }
}
