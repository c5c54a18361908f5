import BilagRobotLanguage

/// The records of one query with hash indexes on the field sets lookups ask by, so a lookup costs what it finds,
/// not the size of the case data.
///
/// An index answers exactly what `Table.same` would: text compares trimmed, a missing field is null. A value the
/// index cannot key by text (a number, a list) keeps its record in `unkeyed`, which every lookup also scans; a
/// lookup by a number scans all records.
struct RecordIndex {
    private(set) var records: [[String: Value]]
    private var indexes: [[String]: (keyed: [[String]: [Int]], unkeyed: [Int])] = [:]

    init(_ records: [[String: Value]]) { self.records = records }

    /// Sets one field of the record at `position`. The indexes by that field are dropped (built again when next asked
    /// for); the others stay, so an update that changes what lookups do not find by costs no new index.
    mutating func set(_ field: String, to value: Value, at position: Int) {
        records[position][field] = value
        if indexes.keys.contains(where: { $0.contains(field) }) { indexes = indexes.filter { !$0.key.contains(field) } }
    }

    /// The records whose fields equal every parameter, in their order in the data.
    mutating func matching(_ params: [String: Value]) -> [[String: Value]] {
        indices(params).map { records[$0] }
    }

    /// The positions of the records whose fields equal every parameter, ascending.
    mutating func indices(_ params: [String: Value]) -> [Int] {
        let fields = params.keys.sorted()
        guard !fields.isEmpty else { return Array(records.indices) }
        var key: [String] = []
        key.reserveCapacity(fields.count)
        for f in fields {
            guard let k = Self.key(params[f]!) else { return scan(params, records.indices) }
            key.append(k)
        }
        if indexes[fields] == nil { indexes[fields] = build(fields) }
        let index = indexes[fields]!
        let hits = index.keyed[key] ?? []
        if index.unkeyed.isEmpty { return hits }
        return (hits + scan(params, index.unkeyed)).sorted()
    }

    private func scan<C: Collection>(_ params: [String: Value], _ positions: C) -> [Int] where C.Element == Int {
        positions.filter { i in params.allSatisfy { Table.same(records[i][$0.key] ?? .null, $0.value) } }
    }

    private func build(_ fields: [String]) -> (keyed: [[String]: [Int]], unkeyed: [Int]) {
        var keyed: [[String]: [Int]] = [:]
        var unkeyed: [Int] = []
        outer: for (i, r) in records.enumerated() {
            var key: [String] = []
            key.reserveCapacity(fields.count)
            for f in fields {
                guard let k = Self.key(r[f] ?? .null) else { unkeyed.append(i); continue outer }
                key.append(k)
            }
            keyed[key, default: []].append(i)
        }
        return (keyed, unkeyed)
    }

    /// The text a value is indexed by, or nil where `Table.same` compares otherwise (a number equals a text that
    /// parses to it).
    static func key(_ v: Value) -> String? {
        switch v {
        case let .string(s): return "s" + s.trimmingWhitespace(includingNewlines: false)
        case .null: return "n"
        case let .bool(b): return b ? "t" : "f"
        default: return nil
        }
    }
}
