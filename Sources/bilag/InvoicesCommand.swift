import ArgumentParser
import BilagEngine
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
        if json { try Output.json(c); return }
        Output.line("\(c.total) invoice(s) in \(config.databasePath)")
        for (state, n) in c.byState.sorted(by: { $0.key < $1.key }) {
            Output.line("  \(state): \(n)")
            for (reason, m) in (c.byReason[state] ?? [:]).sorted(by: { $0.value > $1.value }) { Output.line("      \(reason): \(m)") }
        }
        Output.line("journal: \(c.journalEntries) line(s), \(c.journalUnflushed) not yet written to the Outbox")
    }
}
