import ArgumentParser
import BilagCore
import BilagEngine
import BilagIntake
import BilagOutbox
import BilagRobots
import BilagStore
import Foundation

/// `bilag invoices list`: every invoice and its outcome.
struct InvoicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "invoices", abstract: "Every claimed file and its outcome.", subcommands: [List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List invoices, newest first, a page at a time.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only invoices in this state: \(InvoiceState.allCases.map(\.rawValue).joined(separator: ", ")).") var state: String?
        @OptionGroup var page: PageOptions
        @Flag(help: "JSON for scripts: {invoices, total, offset, limit}.") var json = false

        func run() throws {
            let s = try state.map { v -> InvoiceState in
                guard let s = InvoiceState(rawValue: v) else {
                    throw BilagError("state-unknown", "unknown invoice state \(v)", remedy: "use one of \(InvoiceState.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return s
            }
            let (config, store) = try global.readStore()
            JSONLogHandler.bootstrap(level: "warning")
            let limit = page.limit ?? 1000
            let rows = try store?.invoices(state: s, limit: limit, offset: page.offset) ?? []
            let total = try store?.invoiceCount(state: s) ?? 0
            let out = Console()
            if store == nil && !json { out.line(NotRunYet.text(config)) }
            if json { try out.json(Page(invoices: rows, total: total, offset: page.offset, limit: limit)); return }
            out.table(["ID", "STATE", "REASON", "CHANNEL", "SUPPLIER", "NUMBER", "AMOUNT", "DECIDED BY"], rows.map {
                [$0.id, $0.state.rawValue, $0.reasonCode ?? "-", $0.channel, $0.sellerName ?? $0.sellerKey ?? "-", $0.invoiceNumber ?? "-", [$0.amountDue, $0.currency].compactMap { $0 }.joined(separator: " "), $0.decidedBy ?? "-"]
            })
            out.line(page.footer(shown: rows.count, total: total, limit: limit))
        }
    }
}

/// `bilag status`: counts by outcome and reason.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Counts by outcome and reason, and journal lines not yet written.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "JSON for scripts.") var json = false

    func run() throws {
        let (config, store) = try global.readStore()
        JSONLogHandler.bootstrap(level: "warning")
        let c = try store?.counts() ?? .none
        let unclaimable = UnclaimableFiles.read(stateDirectory: config.statePath)
        // The cheap part of `bilag store check`: journal files the store did not write.
        let behind = try store.map { try StoreCheck(config: config, store: $0).journalFindings().findings } ?? []
        let out = Console()
        let caseUpdates = try store.map(CaseUpdateStatus.init(store:))
        let lookupsWaiting = try store.map { try LookupWaitStatus(store: $0) }
        if json {
            try out.json(StatusView(counts: c, unclaimable: unclaimable, storeBehindOutbox: behind, connectors: ConnectorStatsFile.read(stateDirectory: config.statePath), caseUpdates: caseUpdates,
                                    lookupsWaiting: lookupsWaiting, outboxTrouble: OutboxTrouble.read(stateDirectory: config.statePath)))
            return
        }
        for f in behind { out.line("WARNING: the store is behind its Outbox: \(f); the daemon will not start — see `bilag store check`") }
        if store == nil { out.line(NotRunYet.text(config)) }
        out.line("\(c.total) invoice(s) in \(config.databasePath)")
        for line in CountsText.lines(c) { out.line(line) }
        out.line("journal: \(c.journalEntries) line(s), \(c.journalUnflushed) not yet written to the Outbox")
        if let t = OutboxTrouble.read(stateDirectory: config.statePath) {
            out.line("WARNING: the Outbox cannot be written (since \(t.since)): \(t.error)" + (t.remedy.map { "; \($0)" } ?? ""))
        }
        for line in lookupsWaiting?.lines ?? [] { out.line(line) }
        for line in caseUpdates?.lines ?? [] { out.line(line) }
        if !unclaimable.isEmpty {
            out.line("\(unclaimable.count) file(s) in the Inbox that bilag cannot or will not take (each with why: the file's owner, permissions or attributes, bilag's own folder, or a delivery stopped half-way):")
            for u in unclaimable { out.line("  \(u.path): \(u.error) (since \(u.since))") }
        }
    }
}

/// `bilag status --json`: the counts, and the Inbox files that could not be claimed (`unclaimable`).
struct StatusView: Encodable {
    var counts: StatusCounts
    var unclaimable: [UnclaimableFile]
    /// What `bilag store check` would find in the journal folder (empty when the store knows every file).
    var storeBehindOutbox: [String] = []
    /// Per case-system connector, as the daemon last wrote them: requests by result class, latency percentiles,
    /// breaker state, requests in flight.
    var connectors: [ConnectorStatsSnapshot] = []
    /// Case updates by state, the bookings they hold, and those failing, refused or given up.
    var caseUpdates: CaseUpdateStatus?
    /// Invoices waiting for a case system's answer to a lookup: connector, since, next try, last error.
    var lookupsWaiting: LookupWaitStatus?
    /// The Outbox's failure while it lasts (`OutboxTrouble`): null when the last flush wrote it.
    var outboxTrouble: OutboxTrouble?

    func encode(to encoder: Encoder) throws {
        try counts.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(unclaimable, forKey: .unclaimable)
        try c.encode(storeBehindOutbox, forKey: .storeBehindOutbox)
        try c.encode(connectors, forKey: .connectors)
        try c.encodeIfPresent(caseUpdates, forKey: .caseUpdates)
        try c.encodeIfPresent(lookupsWaiting, forKey: .lookupsWaiting)
        try c.encode(outboxTrouble, forKey: .outboxTrouble)
    }
    enum Key: String, CodingKey { case unclaimable, storeBehindOutbox = "store_behind_outbox", connectors, caseUpdates = "case_updates", lookupsWaiting = "lookups_waiting", outboxTrouble = "outbox_trouble" }
}
