import BilagCore
import Foundation
import GRDB

/// Payment plans, invoice plans and pre-postings.
extension Store {
    static let planColumns = "id, name, kind, supplier_cvr, receiver_ean, min_amount, max_amount, cadence, order_number, invoice_prefix, identifier, account, dimensions, vat_code, valid_from, valid_to, ended_at, created_at, created_by, note"

    private static let dimensionsDecoder = JSONDecoder()

    /// A plan from its columns (`planColumns`, in order), read in place (no GRDB `Row` per plan).
    static func plan(_ c: RawColumns) -> PaymentPlan {
        func text(_ i: Int32) -> String { c.text(i) ?? "" }
        var p = PaymentPlan(id: text(0), name: c.text(1), kind: text(2), supplierCVR: text(3), receiverEAN: text(4),
                            minAmount: c.text(5).flatMap { Amount(parsing: $0) }, maxAmount: c.text(6).flatMap { Amount(parsing: $0) },
                            cadence: c.text(7), orderNumber: c.text(8), invoicePrefix: c.text(9), identifier: c.text(10), account: text(11),
                            dimensions: dimensions(c.text(12) ?? "{}"),
                            vatCode: c.text(13), validFrom: LocalDate(parsing: text(14)) ?? LocalDate(dayNumber: 0), validTo: LocalDate(parsing: text(15)) ?? LocalDate(dayNumber: 0),
                            createdBy: text(18), note: c.text(19))
        p.endedAt = c.text(16)
        p.createdAt = text(17)
        return p
    }

    /// The plans `sql` selects (`planColumns`, in order), each read by `plan(_: RawColumns)`.
    func plans(_ db: Database, _ sql: String, _ bind: (inout RawBinder) -> Void = { _ in }) throws -> [PaymentPlan] {
        try db.makeStatement(sql: sql).allRows(db, bind, Self.plan)
    }

    /// The dimension names the open plans post, each with the plans that name it.
    public func planDimensionNames() throws -> [String: [String]] {
        try pool.read { db in
            var out: [String: [String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, dimensions FROM plan WHERE ended_at IS NULL ORDER BY id") {
                for name in Self.dimensions((row[1] as String?) ?? "{}").keys { out[name, default: []].append(row[0]) }
            }
            return out
        }
    }

    /// A plan's stored dimensions (`{"costcentre":"1100"}`): read by hand when written plainly (a plan pair's plans are
    /// read at once, thousands for a pair with a plan per contract), by the decoder when a text has an escape.
    static func dimensions(_ json: String) -> [String: String] {
        var json = json
        let plain = json.withUTF8 { bytes -> [String: String]? in
            var r = JSONLineReader(bytes: bytes)
            var out: [String: String] = [:]
            guard r.object({ key, r in
                guard let v = r.string() else { return false }
                out[key] = v
                return true
            }), r.atEnd else { return nil }
            return out
        }
        return plain ?? (try? dimensionsDecoder.decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }

    /// Adds a plan; an existing id is an error (plans are ended and re-added, never silently overwritten).
    public func addPlan(_ p: PaymentPlan) throws {
        let dims = String(decoding: try JSONEncoder().encode(p.dimensions), as: UTF8.self)
        do {
            try pool.write { db in
                try db.execute(sql: "INSERT INTO plan (\(Self.planColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", arguments: [
                    p.id, p.name, p.kind, p.supplierCVR, p.receiverEAN, p.minAmount?.description, p.maxAmount?.description, p.cadence, p.orderNumber, p.invoicePrefix,
                    p.identifier, p.account, dims, p.vatCode, p.validFrom.description, p.validTo.description, p.endedAt, p.createdAt, p.createdBy, p.note,
                ])
            }
        } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT {
            throw BilagError("plan-exists", "a plan with id \(p.id) exists already", remedy: "end it with `bilag plans end \(p.id)` and add the renewed plan under a new id")
        }
    }

    public func plans(includeEnded: Bool = false) throws -> [PaymentPlan] {
        try pool.read { db in
            try plans(db, "SELECT \(Self.planColumns) FROM plan" + (includeEnded ? "" : " WHERE ended_at IS NULL") + " ORDER BY supplier_cvr, receiver_ean, id")
        }
    }

    public func plan(_ id: String) throws -> PaymentPlan? {
        try pool.read { db in try plans(db, "SELECT \(Self.planColumns) FROM plan WHERE id = ?") { $0.text(id) }.first }
    }

    /// A number that changes whenever any plan is added, changed or removed, by any process (`v9-perf-plan-version`).
    public func planVersion() throws -> Int64 {
        try pool.unsafeRead { db in try Int64.fetchOne(db.cachedStatement(sql: "SELECT version FROM plan_version WHERE id = 1")) ?? 0 }
    }

    /// Plans for a supplier and receiver, not ended (expired ones included: the robot reports them as expired).
    public func plans(supplierCVR: String, receiverEAN: String) throws -> [PaymentPlan] {
        // Read in place rather than through `Row`s: a pair may have thousands of plans, one per contract, all read
        // when the robot first meets the pair and again after any plan changed.
        try pool.read { db in
            try db.cachedStatement(sql: "SELECT \(Self.planColumns) FROM plan WHERE supplier_cvr = ? AND receiver_ean = ? AND ended_at IS NULL ORDER BY id")
                .allRows(db, { $0.text(supplierCVR); $0.text(receiverEAN) }, Self.plan)
        }
    }

    /// The supplier CVR and receiver EAN of every plan not ended, each pair once (as `planPair` spells it): whether a
    /// pair has plans at all is answered without a query per invoice (most invoices' pairs have none).
    public func planPairs() throws -> Set<String> {
        try pool.read { db in
            Set(try Row.fetchAll(db, sql: "SELECT DISTINCT supplier_cvr, receiver_ean FROM plan WHERE ended_at IS NULL").map { row in
                Self.planPair(cvr: row[0], ean: row[1])
            })
        }
    }

    /// A supplier and receiver as one key (`cvr` U+001F `ean`), as `planPairs` gives them.
    public static func planPair(cvr: String, ean: String) -> String { cvr + "\u{1F}" + ean }

    /// Ends a plan now.
    public func endPlan(_ id: String) throws {
        let changed = try pool.write { db -> Int in
            try db.execute(sql: "UPDATE plan SET ended_at = ? WHERE id = ? AND ended_at IS NULL", arguments: [Timestamp.string(), id])
            return db.changesCount
        }
        if changed == 0 { throw BilagError("plan-not-found", "no open plan has the id \(id)", remedy: "list the plans with `bilag plans list`") }
    }

    /// Plans whose validity ends within `days` days of `today` (or has ended), for renewal.
    public func plansDue(within days: Int, today: LocalDate) throws -> [PaymentPlan] {
        let limit = today.adding(days: days).description
        return try pool.read { db in
            try plans(db, "SELECT \(Self.planColumns) FROM plan WHERE ended_at IS NULL AND valid_to <= ? ORDER BY valid_to, id") { $0.text(limit) }
        }
    }
}
