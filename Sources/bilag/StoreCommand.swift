import ArgumentParser
import BilagCore
import BilagEngine
import BilagStore
import Foundation

/// `bilag store`: is the store consistent with its Outbox and state folder, and rebuilding it when it is not.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Check the store against the Outbox and the kept originals; rebuild it from them.",
        subcommands: [Check.self, Backup.self, Rebuild.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check that the database file is whole (exit 4 when damaged) and that the store knows every journal file and kept original (exit 0 when it does, 5 when not).")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "JSON for scripts.") var json = false

        func run() throws {
            let config = try global.loadRoot()
            JSONLogHandler.bootstrap(level: "critical")
            // No database at all: nothing is created; what the Outbox and state folder hold is reported against none.
            let report: StoreCheck.Report
            if FileManager.default.fileExists(atPath: config.databasePath) {
                let store = try Store(path: config.databasePath)
                try store.verifyIntact()   // a damaged file first: what it says about the Outbox cannot be trusted
                report = try StoreCheck(config: config, store: store).run(readAllJournalLines: true)
            } else {
                report = StoreCheck.reportWithoutStore(config: config)
            }
            if json {
                try Console().json(report)
            } else {
                Console().line("store \(config.databasePath): \(report.invoices) invoice(s); \(report.originals) kept original(s); \(report.journalFilesKnown) of \(report.journalFiles) journal file(s) known")
                for f in report.findings { Console().line("behind: \(f)") }
                for d in report.doubleBookings { Console().line("written twice: \(d)") }
                Console().line(report.ok ? "the store is consistent with its Outbox and state folder"
                                      : "the store is NOT consistent: restore the newest backup taken after these files, or run `bilag store rebuild` (the daemon refuses to start meanwhile)")
            }
            if !report.ok { throw ExitStatus.checkFailed.code }
        }
    }

    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a consistent copy of the database to a new file, while the daemon runs.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The new file.") var file: String

        func run() throws {
            JSONLogHandler.bootstrap(level: "critical")
            let (config, store) = try global.openStore()
            try store.backup(to: file)
            Console().line("backed up \(config.databasePath) to \(file); keep var/originals/ and Outbox/ with it")
        }
    }

    struct Rebuild: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild the store from the Outbox journal and the kept originals (the old database is moved aside).",
            discussion: """
            Stop the daemon first. Every invoice in a journal file is booked again as the journal says (nothing is written \
            to the Outbox again); every other kept original goes to the manual queue with reason store-rebuilt (or is \
            flagged a duplicate, or quarantined again): operators decide those again. The operators' earlier actions on \
            them are in the database moved aside.
            """)
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Confirm: move the current database aside and rebuild.") var yes = false
        @Flag(help: "JSON for scripts.") var json = false

        func run() throws {
            let config = try global.loadRoot()
            JSONLogHandler.bootstrap(level: "warning")
            guard yes else {
                throw ValidationError("rebuilding moves \(config.databasePath) aside and builds a new store from the Outbox and the kept originals; run `bilag store check` first, stop the daemon, then repeat with --yes")
            }
            let lock = try StateLock.acquireRun(stateDirectory: config.statePath, command: "store rebuild")
            // And the root's: a daemon on this root with another state folder books into the Outbox being rebuilt from.
            let rootLock = try StateLock.acquireRoot(outbox: config.outboxPath, stateDirectory: config.statePath, command: "store rebuild")
            let report = try withExtendedLifetime((lock, rootLock)) { try StoreRebuild(config: config).run() }
            if json { try Console().json(report); return }
            Console().line("moved aside: \(report.movedAside.isEmpty ? "nothing (no database)" : report.movedAside.joined(separator: ", "))")
            Console().line("rebuilt from \(report.journalLines) journal line(s) and \(report.originals) kept original(s): \(report.booked) booked, \(report.queued) to the manual queue, \(report.quarantined) quarantined")
            if !report.withoutOriginal.isEmpty { Console().line("booked from the journal alone (original missing): \(report.withoutOriginal.joined(separator: ", "))") }
            for d in report.doubleBookings { Console().line("written twice in the Outbox (reverse one in the ERP): \(d)") }
            if report.paymentFiles > 0 || report.payeeAccounts > 0 {
                Console().line("payments: \(report.paymentFiles) payment file(s) adopted; \(report.payeeAccounts) supplier account(s) learnt again from what they paid. "
                               + "Imported supplier master data and operators' confirmations are not in the Outbox: import them again with `bilag suppliers import` before payments go on")
            }
            if !report.creditNotes.isEmpty {
                Console().line("credit notes whose credit the Outbox cannot tell used or still held (check each against the payment files, and set off what is left by hand): \(report.creditNotes.joined(separator: ", "))")
            }
            if !report.unfiledPayments.isEmpty {
                let shown = report.unfiledPayments.prefix(20).joined(separator: ", ") + (report.unfiledPayments.count > 20 ? ", …" : "")
                Console().line("\(report.unfiledPayments.count) payment(s) booked to be paid but in no payment file the Outbox holds, blocked as store-rebuilt (`bilag payments list --state blocked`): "
                               + "check each with the bank, then `bilag payments release ID` or `bilag payments cancel ID`: \(shown)")
            }
        }
    }
}
