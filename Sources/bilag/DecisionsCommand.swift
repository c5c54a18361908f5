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
        @Option(help: "From this date or timestamp (inclusive).") var from: String
        @Option(help: "To this date or timestamp (exclusive).") var to: String
        @Option(help: "Only this robot.") var robot: String?
        @Option(help: "Write to this file instead of standard output.") var output: String?
        @Flag(help: "Keep CPR numbers unmasked (the export is personal data then).") var reveal = false

        func run() throws {
            let config = try global.load()
            JSONLogHandler.bootstrap(level: "critical")
            let store = try Bilag.guarded { try Store(path: config.databasePath) }
            let rows = try store.decisions(from: from, to: to, robot: robot)
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var out = Data()
            for r in rows {
                out.append(try enc.encode(r))
                out.append(0x0A)
            }
            var text = String(decoding: out, as: UTF8.self)
            if !reveal { text = PersonalData.maskCPR(text) }
            if let output {
                try FileIO.writeAtomically(Data(text.utf8), to: output)
                FileHandle.standardError.write(Data("wrote \(rows.count) decision(s) to \(output)\n".utf8))
            } else {
                print(text, terminator: "")
            }
        }
    }
}

