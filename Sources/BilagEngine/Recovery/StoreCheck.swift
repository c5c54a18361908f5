import BilagCore
import BilagIntake
import BilagOutbox
import BilagStore
import Foundation

/// Whether the store knows everything its Outbox and state folder hold: every journal file (or the file is what a
/// writer killed between rename and mark left), every kept original (or the claim log names it). A store restored
/// from an older copy, one whose write-ahead log was lost, or one deleted or emptied fails it; the daemon then
/// refuses to start rather than book again what was booked or mark new bookings as written to old files.
public struct StoreCheck {
    public let config: BilagConfig
    public let store: Store

    public init(config: BilagConfig, store: Store) { self.config = config; self.store = store }

    /// What `run` found.
    public struct Report: Encodable, Sendable {
        /// Each way the store is behind, one sentence each; empty when it is consistent.
        public var findings: [String] = []
        /// Invoices written to more than one journal line (only with `readAllJournalLines`).
        public var doubleBookings: [String] = []
        public var invoices = 0
        public var originals = 0
        public var journalFiles = 0
        public var journalFilesKnown = 0
        public var ok: Bool { findings.isEmpty && doubleBookings.isEmpty }

        enum CodingKeys: String, CodingKey {
            case findings, doubleBookings = "double_bookings", invoices, originals, journalFiles = "journal_files", journalFilesKnown = "journal_files_known", ok
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(findings, forKey: .findings); try c.encode(doubleBookings, forKey: .doubleBookings)
            try c.encode(invoices, forKey: .invoices); try c.encode(originals, forKey: .originals)
            try c.encode(journalFiles, forKey: .journalFiles); try c.encode(journalFilesKnown, forKey: .journalFilesKnown); try c.encode(ok, forKey: .ok)
        }
    }

    /// Compares the store with the journal folder and the kept originals; with `readAllJournalLines` it also reads
    /// every journal line and lists invoices written twice.
    public func run(readAllJournalLines: Bool = false) throws -> Report {
        var report = Report()
        let counts = try store.invoiceCountsByClaimDay()
        report.invoices = counts.total
        let journal = try journalFindings()
        report.journalFiles = journal.files
        report.journalFilesKnown = journal.known
        report.findings += journal.findings
        // Per claim day: a day whose folder holds as many originals as the store has invoices of that day is taken
        // as known (no id set of the whole store in memory); the ids of any other day are looked up.
        let originals = Self.keptOriginalIDsByDay(statePath: config.statePath)
        report.originals = originals.values.reduce(0) { $0 + $1.count }
        let intents = Self.claimIntentIDs(statePath: config.statePath)
        var unrecorded: [String] = []
        for (day, dayIDs) in originals where dayIDs.count != counts.byDay[day] ?? 0 {
            let recorded = try store.existingIDs(Array(dayIDs))
            unrecorded += dayIDs.filter { !recorded.contains($0) && !intents.contains($0) }
        }
        if !unrecorded.isEmpty {
            report.findings.append("\(unrecorded.count) kept original(s) in \(config.statePath)/originals have no record in the store (\(unrecorded.sorted().prefix(3).joined(separator: ", "))\(unrecorded.count > 3 ? ", …" : ""))")
        }
        if counts.total == 0, !report.findings.isEmpty {
            report.findings.insert("the store holds no invoices, but the state folder and Outbox hold earlier work (was the database deleted or emptied?)", at: 0)
        }
        if readAllJournalLines {
            let journalDir = config.outboxPath + "/" + Store.journalWriter
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: journalDir)) ?? []).filter(JournalWriter.isJournalFile).sorted()
            var seen: [String: String] = [:]
            for name in names {
                for l in JournalWriter.lines(of: journalDir + "/" + name) ?? [] {
                    if let first = seen[l.invoiceID] { report.doubleBookings.append("invoice \(l.invoiceID) is in \(first) and in \(name)") } else { seen[l.invoiceID] = name }
                }
            }
        }
        return report
    }

    /// The report for a state folder with no database at all: everything the Outbox and the originals hold is unknown.
    public static func reportWithoutStore(config: BilagConfig) -> Report {
        var report = Report()
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: config.outboxPath + "/journal")) ?? []).filter(JournalWriter.isJournalFile)
        report.journalFiles = names.count
        report.originals = KeptOriginal.list(statePath: config.statePath).count
        if report.journalFiles > 0 || report.originals > 0 {
            report.findings.append("there is no store database (\(config.databasePath)), but the Outbox holds \(report.journalFiles) journal file(s) and the state folder \(report.originals) kept original(s)")
        }
        return report
    }

    /// The Outbox part of the check alone, over every configured writer (cheap: each folder's names against the
    /// store's list of files; only a file the store does not know is read): how many files, how many known, and the
    /// findings.
    public func journalFindings() throws -> (files: Int, known: Int, findings: [String]) {
        var files = 0, known = 0, findings: [String] = []
        let outbox = try Outbox(outbox: config.outboxPath, settings: config.outboxWriters, root: config.root)
        for writer in outbox.writers {
            let (all, unknown) = try writer.unknownFiles(store)
            files += all
            known += all - unknown.filter { FileManager.default.fileExists(atPath: writer.directory + "/" + $0.name) }.count
            findings += writer.findings(unknown.filter(\.isBehind))
        }
        // Payment files: one the store did not file its payments in means it is behind (it could pay them again).
        if let payments = outbox.payments {
            let all = payments.fileNames().count, unknown = try payments.unknownFiles(store)
            files += all
            known += all - unknown.count
            findings += payments.findings(unknown)
        }
        return (files, known, findings)
    }

    /// Throws `StoreBehindOutbox` unless the store knows everything the Outbox and state folder hold.
    public func verify() throws {
        let report = try run()
        if !report.findings.isEmpty { throw StoreBehindOutbox(findings: report.findings, storePath: store.path) }
    }

    /// The ids of the kept originals by claim day (`20261123`, from the folder `2026-11-23`).
    static func keptOriginalIDsByDay(statePath: String) -> [String: Set<String>] {
        KeptOriginal.list(statePath: statePath).reduce(into: [:]) { byDay, e in byDay[e.day.replacingOccurrences(of: "-", with: ""), default: []].insert(e.id) }
    }

    /// The claim ids the intent log names (claims moved, or about to be, whose record may not have committed).
    static func claimIntentIDs(statePath: String) -> Set<String> {
        guard let data = FileIO.read(statePath + "/claims.log") else { return [] }
        // Read loosely, whatever its framing: every token shaped like a claim id (`20261123-082512-345678-p9f3a`).
        let text = String(decoding: data, as: UTF8.self)
        guard let re = try? NSRegularExpression(pattern: "[0-9]{8}-[0-9]{6}-[0-9]{6}-[0-9a-z]{5}") else { return [] }
        var ids = Set<String>()
        for m in re.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            if let r = Range(m.range, in: text) { ids.insert(String(text[r])) }
        }
        return ids
    }
}

extension StoreCheck {
    /// Opens the store of `config`, checks that its file is not damaged (`database-corrupt`) and verifies it against
    /// the Outbox (before `bilag run` starts anything).
    public static func verify(config: BilagConfig) throws {
        let store = try Store(path: config.databasePath)
        try store.verifyIntact()
        try StoreCheck(config: config, store: store).verify()
    }
}
