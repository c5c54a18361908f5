import BilagCore
import BilagOutbox
import BilagStore
import Foundation

/// `bilag report day DATE`: what bilag decided that day, per robot and outcome, with counts and amounts; every file
/// each writer wrote that day with its count, sums and checksum; and the reconciliation of every writer's files with
/// the store — each booked invoice in exactly one file per writer, each file's sums those of its invoices.
public struct DayReport: Encodable, Sendable {
    /// The day (`YYYY-MM-DD`) in `timeZone`, the municipality's: from its local midnight to the next.
    public var date: String
    public var timeZone: String
    public var outcomes: [OutcomeLine] = []
    public var files: [FileLine] = []
    public var reconciliation: [WriterReconciliation] = []
    /// Paid and waiting, and the payment files' reconciliation, when bilag pays (a payments writer is set up).
    public var payments: PaymentsReport?
    /// True when every writer reconciles.
    public var ok: Bool { reconciliation.allSatisfy(\.ok) && payments?.ok != false }

    /// Invoices decided that day by one robot (or `operator`, `system`) with one outcome.
    public struct OutcomeLine: Encodable, Sendable {
        public var robot: String
        public var outcome: String
        public var count: Int
        /// The amounts due, per currency.
        public var amounts: [String: Amount]
    }

    /// A file written that day.
    public struct FileLine: Encodable, Sendable {
        public var writer: String
        public var file: String
        public var count: Int
        public var sums: [String: OutboxManifest.Sums]
        public var sha256: String
        /// `ok` (the file's bytes are the manifest's), `changed`, or `taken` (the file is no longer in the folder).
        public var checksum: String
        public var writtenAt: String
        enum CodingKeys: String, CodingKey { case writer, file, count, sums, sha256, checksum, writtenAt = "written_at" }
    }

    /// One writer's files against the store.
    public struct WriterReconciliation: Encodable, Sendable {
        public var writer: String
        public var booked = 0
        public var written = 0
        /// Booked, not yet written (waiting for its file to close).
        public var waiting = 0
        /// Invoices in more than one of the writer's files, and in files but not booked in the store.
        public var twice: [String] = []
        public var unknown: [String] = []
        /// Files whose manifest's sums are not those of the bookings it names, or whose bytes changed.
        public var mismatched: [String] = []
        /// Waiting bookings the writer cannot write as its layout stands (the invoice and why): they hold back every
        /// later booking's file, so the day does not reconcile until the layout is mended.
        public var unwritable: [String] = []
        public var ok: Bool { twice.isEmpty && unknown.isEmpty && mismatched.isEmpty && unwritable.isEmpty && booked == written + waiting }
    }

    enum CodingKeys: String, CodingKey { case date, timeZone = "time_zone", outcomes, files, reconciliation, payments, ok }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(date, forKey: .date); try c.encode(timeZone, forKey: .timeZone); try c.encode(outcomes, forKey: .outcomes); try c.encode(files, forKey: .files)
        try c.encode(reconciliation, forKey: .reconciliation); try c.encodeIfPresent(payments, forKey: .payments); try c.encode(ok, forKey: .ok)
    }

    /// The report of `day` (a local day: `ReportDay`) for the store and the writers of `config`.
    public init(day: ReportDay, config: BilagConfig, store: Store) throws {
        date = day.date.description
        timeZone = day.zoneName
        var groups: [String: OutcomeLine] = [:]
        for row in try store.decided(from: day.start, until: day.end) {
            let robot = Self.robot(row.actor)
            let outcome = row.state == "received" ? "waiting" : row.state
            var line = groups[robot + "\u{0}" + outcome] ?? OutcomeLine(robot: robot, outcome: outcome, count: 0, amounts: [:])
            line.count += 1
            if let a = row.amountDue.flatMap(Amount.init(parsing:)) { line.amounts[row.currency ?? "?", default: .zero] += a }
            groups[robot + "\u{0}" + outcome] = line
        }
        outcomes = groups.values.sorted { ($0.robot, $0.outcome) < ($1.robot, $1.outcome) }
        let bookings = try store.bookingIDs()
        let outbox = try Outbox(outbox: config.outboxPath, settings: config.outboxWriters, root: config.root)
        for writer in outbox.writers {
            let (files, reconciled) = try Self.reconcile(writer, bookings: bookings, store: store, day: day)
            self.files += files
            reconciliation.append(reconciled)
        }
        payments = try outbox.payments.map { try PaymentsReport($0, store: store, day: day) }
    }

    /// The report of `date` (`YYYY-MM-DD`) in the municipality's time zone (`ReportDay.timeZone`).
    public init(date: String, config: BilagConfig, store: Store) throws {
        guard let day = ReportDay.parse(date, config: config) else {
            throw BilagError("usage", "'\(date)' is not a date", remedy: "give the day as YYYY-MM-DD")
        }
        try self.init(day: day, config: config, store: store)
    }

    /// `robot:NAME@HASH` → NAME; `operator:USER` → operator; anything else as it is.
    static func robot(_ actor: String) -> String {
        if actor.hasPrefix("robot:") { return String(actor.dropFirst(6).split(separator: "@").first ?? "") }
        if actor.hasPrefix("operator:") { return "operator" }
        return actor
    }

    /// Every file of one writer against the store; the files written on `day` listed.
    static func reconcile(_ writer: OutboxFiles, bookings: [Int64: String], store: Store, day: ReportDay) throws -> ([FileLine], WriterReconciliation) {
        var r = WriterReconciliation(writer: writer.name, booked: bookings.count)
        let waiting = try store.unwritten(by: writer.name, limit: Int.max)
        r.waiting = waiting.count
        // Each waiting booking tried alone, as the writer will write it: one it cannot write is named.
        for e in waiting {
            do { _ = try writer.writer.render([OutboxEntry(seq: e.seq, booked: try e.booked())]) } catch let error as BilagError {
                r.unwritable.append("\(e.invoiceID) (\(error.message))")
            }
        }
        var seen: [String: String] = [:]
        var lines: [FileLine] = []
        for name in writer.fileNames().sorted() {
            let data = FileIO.read(writer.directory + "/" + name)
            let manifest = OutboxManifest.read(writer.manifestPath(name))
            guard let entries = data.flatMap(writer.writer.bookings(in:)) ?? manifest?.entries else { r.mismatched.append(name); continue }
            for e in entries {
                r.written += 1
                if bookings[e.seq] != e.invoiceID { r.unknown.append(e.invoiceID) }
                if let first = seen[e.invoiceID] { r.twice.append("\(e.invoiceID) (\(first), \(name))") } else { seen[e.invoiceID] = name }
            }
            guard let manifest else { continue }
            let checksum = data.map { OutboxManifest.sha256($0) == manifest.sha256 ? "ok" : "changed" } ?? "taken"
            // The file's sums are those of the invoices it names, as the store holds them.
            let booked = try store.bookings(manifest.entries.map(\.seq)).map { try $0.booked() }
            if checksum == "changed" || OutboxManifest.sums(booked) != manifest.sums || booked.count != manifest.count { r.mismatched.append(name) }
            if day.contains(manifest.writtenAt) {
                lines.append(FileLine(writer: writer.name, file: name, count: manifest.count, sums: manifest.sums, sha256: manifest.sha256, checksum: checksum, writtenAt: manifest.writtenAt))
            }
        }
        return (lines, r)
    }
}
