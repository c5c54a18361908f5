import ArgumentParser
import BilagCore
import BilagEngine
import BilagStore
import Foundation

/// `bilag decisions export`: the decision records of a period, for the auditor.
struct DecisionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decisions", abstract: "Robot decision records.", subcommands: [Export.self])

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the decision records of a period as JSON lines (robot, file version, legal basis, outcome, trace).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var op: OperatorOptions
        @Option(help: "From this date or timestamp (inclusive).") var from: String
        @Option(help: "To this date or timestamp (exclusive).") var to: String
        @Option(help: "Only this robot.") var robot: String?
        @Option(help: "Write to this file instead of standard output.") var output: String?
        @OptionGroup var reveal: RevealOptions

        func run() throws {
            try reveal.check(note: op.note)
            // A root bilag has not run in yet has no decisions; revealing needs the state to audit in.
            let (_, found) = try global.readStore()
            guard let store = try found ?? (reveal.reveal ? global.openStore().1 : nil) else {
                if let output { try FileIO.writeAtomically(Data(), to: output) }
                Console.note("wrote 0 decision(s): bilag has not run here yet")
                return
            }
            JSONLogHandler.bootstrap(level: "critical")
            let rows = try store.decisions(from: from, to: to, robot: robot)
            // One audit record for the export, listing every invoice whose data it reveals.
            var invoices: [String] = []
            for r in rows where invoices.last != r.invoiceID { invoices.append(r.invoiceID) }
            let out = Console(try Reveal.bulk(invoices, reveal, user: (try op.resolvedUser), note: op.note,
                                              command: "decisions export --from \(from) --to \(to)" + (robot.map { " --robot \($0)" } ?? ""), store: store))
            let text = try out.jsonLines(rows)
            if let output {
                try FileIO.writeAtomically(Data(text.text.utf8), to: output)
                Console.note("wrote \(rows.count) decision(s) to \(output)")
            } else {
                out.write(text)
            }
        }
    }
}
