import ArgumentParser
import BilagCore
import BilagEngine
import BilagStore

/// `bilag audit list`: audited actions that are not one invoice's (bulk reveals, plans ended, robots resumed).
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Audited actions beyond single invoices: bulk reveals of personal data, plans ended, robots resumed.",
                                                    subcommands: [List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the audit records, newest first (an invoice's own trail is in `bilag queue show`).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "At most this many.") var limit = 100
        @Flag(help: "JSON for scripts.") var json = false

        func run() throws {
            let (_, store) = try global.readStore()
            JSONLogHandler.bootstrap(level: "critical")
            let rows = try store?.auditRecords(limit: limit) ?? []
            let out = Console()
            if json { try out.json(rows); return }
            out.table(["AT", "ACTOR", "ACTION", "SUBJECT", "DETAIL"], rows.map { [$0.at, $0.actor, $0.action, $0.subject, $0.detail ?? ""] })
        }
    }
}
