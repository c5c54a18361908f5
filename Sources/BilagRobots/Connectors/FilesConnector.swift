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

    private struct State {
        var cache: [String: (mtime: Double, records: [[String: Value]])] = [:]
        /// The updates file read so far: its length, the updates in it and their idempotency keys. The file only grows,
        /// so each lookup reads just what was appended since (by this process or another).
        var updatesRead: (offset: Int, updates: [CaseUpdate], keys: Set<String>) = (0, [], [])
        /// Per query: the records with every update applied (indexed for lookups), and the record and update counts
        /// they were computed from. New updates are applied to it as they arrive, not to the file's records again.
        var overlays: [String: (base: Int, updates: Int, records: RecordIndex)] = [:]
        /// Per query: the modification time of the cached file an overlay was computed from.
        var overlayStamp: [String: Double] = [:]

        /// True while the overlay was computed from the cached version of the query's file.
        func cacheIsCurrent(_ query: String, in folder: String) -> Bool { overlayStamp[query] == cacheStamp(query, in: folder) }
        func cacheStamp(_ query: String, in folder: String) -> Double? { (cache["\(folder)/\(query).json"] ?? cache["\(folder)/\(query).csv"])?.mtime }

        /// Reads what was appended to `updates.jsonl` since the last read.
        mutating func refreshUpdates(in folder: String) {
            guard let handle = FileHandle(forReadingAtPath: folder + "/updates.jsonl") else { return }
            defer { try? handle.close() }
            guard (try? handle.seek(toOffset: UInt64(updatesRead.offset))) != nil, let data = try? handle.readToEnd(), !data.isEmpty else { return }
            guard let lastNewline = data.lastIndex(of: 0x0A) else { return } // a line still being written: next time
            let complete = data[data.startIndex...lastNewline]
            let decoder = JSONDecoder()
            for line in complete.split(separator: 0x0A) {
                guard let u = try? decoder.decode(CaseUpdate.self, from: Data(line)) else { continue }
                updatesRead.updates.append(u)
                updatesRead.keys.insert(u.idempotencyKey)
            }
            updatesRead.offset += complete.count
        }
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

    public init(name: String, folder: String, actions: [String: ActionMapping] = [:]) {
        self.name = name; self.folder = folder; self.actions = actions
    }

    public func lookup(query: String, params: [String: Value]) throws -> [[String: Value]] {
        try lookup(query: query, params: params, ignoring: nil)
    }

    public func lookup(query: String, params: [String: Value], ignoringUpdatesOf invoiceID: String) throws -> [[String: Value]] {
        try lookup(query: query, params: params, ignoring: invoiceID)
    }

    func lookup(query: String, params: [String: Value], ignoring: String?) throws -> [[String: Value]] {
        let records = try load(query)
        if ignoring == nil { return try overlaid(records, query: query, params: params) }
        let updated = try applyUpdates(to: records, query: query, ignoring: ignoring)
        return updated.filter { r in params.allSatisfy { Table.same(r[$0.key] ?? .null, $0.value) } }
    }

    public func send(_ update: CaseUpdate) throws { try send(all: [update]) }

    public var takesUpdatesTogether: Bool { true }

    /// Appends the updates whose keys the file does not hold yet, in one write and one sync.
    public func send(all updates: [CaseUpdate]) throws {
        try state.withLock { s in
            let path = folder + "/updates.jsonl"
            s.refreshUpdates(in: folder)
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var lines = Data()
            var keys = Set<String>()
            for u in updates where !s.updatesRead.keys.contains(u.idempotencyKey) && keys.insert(u.idempotencyKey).inserted {
                lines.append(try enc.encode(u))
                lines.append(0x0A)
            }
            guard !lines.isEmpty else { return }
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw ConnectorError.unavailable(connector: name, message: "cannot write \(path)") }
            defer { close(fd) }
            let ok = lines.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) == $0.count }
            guard ok, fsync(fd) == 0 else { throw ConnectorError.unavailable(connector: name, message: "cannot write \(path)") }
        }
    }

    func load(_ query: String) throws -> [[String: Value]] {
        guard query.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ConnectorError.unknown(connector: name, message: "query '\(query)' is not a plain name")
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            throw ConnectorError.unavailable(connector: name, message: "the case-data folder \(folder) is missing")
        }
        for ext in ["json", "csv"] {
            let path = "\(folder)/\(query).\(ext)"
            var st = stat()
            guard stat(path, &st) == 0 else { continue }
            let mtime = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
            let cached: [[String: Value]]? = state.withLock { s in
                if let c = s.cache[path], c.mtime == mtime { return c.records }
                return nil
            }
            if let cached { return cached }
            guard let data = FileManager.default.contents(atPath: path) else { throw ConnectorError.unavailable(connector: name, message: "cannot read \(path)") }
            let records: [[String: Value]]
            if ext == "json" {
                guard let arr = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
                    throw ConnectorError.unavailable(connector: name, message: "\(path) is not a JSON array of objects")
                }
                records = arr.map { $0.mapValues(Self.value) }
            } else {
                records = try CSV.records(String(decoding: data, as: UTF8.self), file: path).map { $0.mapValues { $0.isEmpty ? Value.null : .string($0) } }
            }
            state.withLock { $0.cache[path] = (mtime, records) }
            return records
        }
        throw ConnectorError.unknown(connector: name, message: "no data for query '\(query)' (expected \(folder)/\(query).json or .csv)")
    }

    /// The records matching `params`, with every update applied. The updated records are kept per query and only
    /// the updates that arrived since are applied to them; they are computed afresh when the file changed.
    func overlaid(_ records: [[String: Value]], query: String, params: [String: Value]) throws -> [[String: Value]] {
        let relevant = actions.filter { $0.value.query == query }
        // No action writes to this query: the update log cannot change its records, so it need not be read.
        return state.withLock { s in
            let base = records.count
            let current = s.overlays[query].flatMap { o in o.base == base && s.cacheIsCurrent(query, in: folder) ? o : nil }
            var index = current?.records ?? RecordIndex(records)
            var applied = current?.updates ?? 0
            if !relevant.isEmpty {
                s.refreshUpdates(in: folder)
                let updates = s.updatesRead.updates
                if applied < updates.count {
                    var out = index.records
                    Self.apply(updates[applied...], relevant, to: &out, ignoring: nil)
                    index = RecordIndex(out)
                    applied = updates.count
                }
            }
            let found = index.matching(params)
            s.overlays[query] = (base, applied, index)
            s.overlayStamp[query] = s.cacheStamp(query, in: folder)
            return found
        }
    }

    func applyUpdates(to records: [[String: Value]], query: String, ignoring: String?) throws -> [[String: Value]] {
        let relevant = actions.filter { $0.value.query == query }
        guard !relevant.isEmpty else { return records }
        let updates = state.withLock { s in
            s.refreshUpdates(in: folder)
            return s.updatesRead.updates
        }
        var out = records
        Self.apply(updates[...], relevant, to: &out, ignoring: ignoring)
        return out
    }

    /// Applies updates, in order, to the records their action's mapping names (found by index, not by a scan).
    static func apply(_ updates: ArraySlice<CaseUpdate>, _ relevant: [String: ActionMapping], to out: inout [[String: Value]], ignoring: String?) {
        let keyedFields = Set(relevant.values.flatMap { $0.match.keys })
        var index = RecordIndex(out)
        for u in updates {
            guard let mapping = relevant[u.action], u.invoiceID != ignoring else { continue }
            let targets = index.indices(mapping.match.mapValues { u.params[$0] ?? .null })
            for i in targets {
                for (field, source) in mapping.set {
                    out[i][field] = source.hasPrefix("=") ? .string(String(source.dropFirst())) : (u.params[source] ?? .null)
                }
            }
            // A field the index finds records by changed: index the records as they are now.
            if !targets.isEmpty, mapping.set.keys.contains(where: keyedFields.contains) { index = RecordIndex(out) }
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
