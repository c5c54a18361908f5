import ArgumentParser
import BilagEngine
import BilagIntake
import BilagStore
import Foundation

/// `bilag invoices list`: every invoice and its outcome.
struct InvoicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "invoices", abstract: "Every claimed file and its outcome.", subcommands: [List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List invoices, newest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this state: \(InvoiceState.allCases.map(\.rawValue).joined(separator: ", ")).") var state: String?
        @Option(help: "At most this many.") var limit = 1000
        @Option(help: "Skip this many first.") var offset = 0
        @Flag(help: "JSON for scripts.") var json = false

        func run() throws {
            let config = try global.load()
            JSONLogHandler.bootstrap(level: "warning")
            let s = try state.map { v -> InvoiceState in
                guard let s = InvoiceState(rawValue: v) else { throw ValidationError("unknown state \(v)") }
                return s
            }
            let store = try Bilag.guarded { try Store(path: config.databasePath) }
            let rows = try store.invoices(state: s, limit: limit, offset: offset)
            if json { try Output.json(rows); return }
            Output.table(["ID", "STATE", "REASON", "CHANNEL", "SUPPLIER", "NUMBER", "AMOUNT", "DECIDED BY"], rows.map {
                [$0.id, $0.state.rawValue, $0.reasonCode ?? "-", $0.channel, $0.sellerName ?? $0.sellerKey ?? "-", $0.invoiceNumber ?? "-", [$0.amountDue, $0.currency].compactMap { $0 }.joined(separator: " "), $0.decidedBy ?? "-"]
            })
        }
    }
}

/// `bilag status`: counts by outcome and reason.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Counts by outcome and reason, and journal lines not yet written.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "JSON for scripts.") var json = false

    func run() throws {
        let config = try global.load()
        JSONLogHandler.bootstrap(level: "warning")
        let store = try Bilag.guarded { try Store(path: config.databasePath) }
        let c = try store.counts()
        let unclaimable = UnclaimableFiles.read(stateDirectory: config.statePath)
        if json { try Output.json(StatusView(counts: c, unclaimable: unclaimable)); return }
        Output.line("\(c.total) invoice(s) in \(config.databasePath)")
        for (state, n) in c.byState.sorted(by: { $0.key < $1.key }) {
            Output.line("  \(state): \(n)")
            for (reason, m) in (c.byReason[state] ?? [:]).sorted(by: { $0.value > $1.value }) { Output.line("      \(reason): \(m)") }
        }
        Output.line("journal: \(c.journalEntries) line(s), \(c.journalUnflushed) not yet written to the Outbox")
        if !unclaimable.isEmpty {
            Output.line("\(unclaimable.count) file(s) in the Inbox that bilag cannot move (check their owner, permissions and attributes):")
            for u in unclaimable { Output.line("  \(u.path): \(u.error) (since \(u.since))") }
        }
    }
}

/// `bilag status --json`: the counts, and the Inbox files that could not be claimed (`unclaimable`).
struct StatusView: Encodable {
    var counts: StatusCounts
    var unclaimable: [UnclaimableFile]

    func encode(to encoder: Encoder) throws {
        try counts.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(unclaimable, forKey: .unclaimable)
    }
    enum Key: String, CodingKey { case unclaimable }
}
