import ArgumentParser
import BilagCore
import BilagDaemon
import BilagOutbox
import BilagEngine
import BilagStore
import Foundation
import Logging

/// `bilag run`: the daemon, or one batch run with `--once`. The only command that sets up a new root's state.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Watch the Inbox and process every invoice that arrives.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Process everything present in the Inbox, then exit (batch runs, tests, benchmarks).")
    var once = false

    func run() async throws {
        // Whatever ends the run is one JSON event too, as every other line of a daemon's log (journald).
        var logging = false
        do {
            let config = try global.load()
            JSONLogHandler.bootstrap(level: config.logLevel)
            logging = true
            try await run(config)
        } catch {
            RunFailure.log(error, logging: logging)
            throw error
        }
    }

    func run(_ config: BilagConfig) async throws {
        // One `bilag run` per state folder, for as long as it lives: a second is refused, naming the first.
        let command = once ? "run --once" : "run"
        let runLock = try StateLock.acquireRun(stateDirectory: config.statePath, command: command)
        // And one per root, whatever its state folder: two would split the Inbox and write conflicting Outbox files.
        let rootLock = try StateLock.acquireRoot(outbox: config.outboxPath, stateDirectory: config.statePath, command: command)
        defer { withExtendedLifetime((runLock, rootLock)) {} }
        // A store behind its own Outbox would book again what was booked: refuse before anything runs.
        try StoreCheck.verify(config: config)
        if once {
            let pipeline = try Pipeline.withRobots(config: config, starting: true)
            let started = Timestamp.string()
            let n = try pipeline.drain()
            let this = try pipeline.store.counts(changedSince: started)
            let totals = try pipeline.store.counts()
            let out = Console()
            out.line("this run: processed \(n) file(s); \(this.total) invoice(s) got an outcome" + (this.total == 0 ? "" : ":"))
            for line in CountsText.lines(this) { out.line(line) }
            out.line("totals in the database: \(totals.total) invoice(s); " + totals.byState.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            // Booked and committed, but not (all) written out: the run did not do its whole job.
            if let t = OutboxTrouble.read(stateDirectory: config.statePath) {
                throw BilagError("outbox-unwritable", "the bookings are committed, but the Outbox could not be written: \(t.error)",
                                 remedy: (t.remedy.map { $0 + "; " } ?? "") + "the next run or the daemon writes them once it can")
            }
            return
        }
        let global = self.global
        try await Daemon.run(config: config, reloadConfig: { try global.load() })
    }
}
