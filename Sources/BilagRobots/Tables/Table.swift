import BilagCore
import BilagRobotLanguage

/// A table a robot reads: rows of typed columns from a CSV or JSON file beside the robot (approved CVRs,
/// reserved EANs, tariff intervals…). Effective-dated tables carry a validity period per row, so a yearly
/// tariff change is a new row, not a new robot. Never changed once loaded: shared, not copied, by the invoices that
/// read it.
public final class Table: Sendable {
    public let name: String
    public let file: String
    /// Column names in file order, with their types.
    public let columns: [(name: String, type: FieldType)]
    public let rows: [[String: Value]]
    /// The columns that bound each row's validity (`valid_from` inclusive, `valid_to` inclusive, either may be empty).
    public let effective: (from: String, to: String?)?
    /// The date a row must be in force on (`effective: { on: … }`, by default `invoice.service_date`): the table as
    /// expressions see it (`housing_companies.cvr`) holds only the rows in force on it, and a `table` step without
    /// its own `on:` picks among them.
    public let effectiveOn: Expression?
    /// The table as expressions see it: a record of columns, each the list of its values
    /// (so `buyer.ean in reserved_eans.ean` reads naturally). Built once at load, read on every decision.
    public let columnValues: Value

    public init(name: String, file: String, columns: [(name: String, type: FieldType)], rows: [[String: Value]], effective: (from: String, to: String?)?,
                effectiveOn: Expression? = nil) {
        self.name = name; self.file = file; self.columns = columns; self.rows = rows; self.effective = effective; self.effectiveOn = effectiveOn
        var rec: [String: Value] = [:]
        for c in columns { rec[c.name] = .list(rows.map { $0[c.name] ?? .null }) }
        columnValues = .record(rec)
    }

    /// The type of `columnValues`.
    public var columnType: ValueType {
        var rec: [String: ValueType] = [:]
        for c in columns { rec[c.name] = .list(c.type.valueType) }
        return .record(rec)
    }

    /// The type of one row.
    public var rowType: ValueType {
        var rec: [String: ValueType] = [:]
        for c in columns { rec[c.name] = c.type.valueType }
        return .record(rec)
    }

    /// Whether the row is in force on `date` (always, when the table is not effective-dated).
    public func inForce(_ row: [String: Value], on date: LocalDate) -> Bool {
        guard let effective else { return true }
        if case let .date(from)? = row[effective.from], date < from { return false }
        if let toCol = effective.to, case let .date(to)? = row[toCol], date > to { return false }
        return true
    }

    /// The table as expressions see it on `date`: only the rows in force then (all rows when the table is not
    /// effective-dated or there is no date).
    public func columnValues(on date: LocalDate?) -> Value {
        guard let effective, let date else { return columnValues }
        let key = InForceKey(date: date, from: effective.from, to: effective.to)
        if let hit = inForceByDate.value(key) { return hit }
        let inForce = rows.filter { self.inForce($0, on: date) }
        var rec: [String: Value] = [:]
        for c in columns { rec[c.name] = .list(inForce.map { $0[c.name] ?? .null }) }
        inForceByDate.store(.record(rec), key)
        return .record(rec)
    }

    /// `columnValues(on:)` per date (a month of invoices has a few dozen dates; every decision asks).
    private let inForceByDate = ComputedCache<InForceKey, Value>(limit: 1024)

    /// A date with the columns that bound a row's validity (a copy of a table may be given other ones).
    struct InForceKey: Hashable, Sendable {
        let date: LocalDate
        let from: String
        let to: String?
    }

    /// The date the rows must be in force on for this invoice (`effectiveOn` evaluated), or nil.
    public func validityDate(in env: Environment) -> LocalDate? {
        guard effective != nil, let on = effectiveOn, case let .date(d)? = try? on.evaluate(in: env) else { return nil }
        return d
    }

    /// Rows whose columns equal the given values and which are in force on `date` (when the table is effective-dated).
    /// The row with the latest start wins when several are in force.
    public func rows(matching criteria: [String: Value], on date: LocalDate?) -> [[String: Value]] {
        var found = rows.filter { row in criteria.allSatisfy { Self.same(row[$0.key] ?? .null, $0.value) } }
        if let effective, let date {
            found = found.filter { inForce($0, on: date) }
            found.sort { a, b in
                guard case let .date(x)? = a[effective.from], case let .date(y)? = b[effective.from] else { return false }
                return x > y
            }
        }
        return found
    }

    /// Equality that forgives representation: a CVR in a CSV is text, in an invoice too, but numbers compare by value.
    static func same(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case let (.string(x), .string(y)): return x.trimmingWhitespace(includingNewlines: false) == y.trimmingWhitespace(includingNewlines: false)
        case let (.number(x), .string(y)), let (.string(y), .number(x)): return Amount(parsing: y).map { $0 == x } ?? false
        default: return a == b
        }
    }
}

import Foundation
