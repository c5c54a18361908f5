import ArgumentParser
import BilagDaemon
import BilagEngine
import BilagStore
import Foundation

/// `bilag run`: the daemon, or one batch run with `--once`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Watch the Inbox and process every invoice that arrives.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Process everything present in the Inbox, then exit (batch runs, tests, benchmarks).")
    var once = false

    func run() async throws {
        let config = try global.load()
        JSONLogHandler.bootstrap(level: config.logLevel)
        // One `bilag run` per state folder, for as long as it lives: a second is refused, naming the first.
        let runLock = try Bilag.guarded { try StateLock.acquireRun(stateDirectory: config.statePath, command: once ? "run --once" : "run") }
        defer { withExtendedLifetime(runLock) {} }
        if once {
            let pipeline = try Bilag.guarded { try Pipeline.withRobots(config: config) }
            let n = try Bilag.guarded { try pipeline.drain() }
            let counts = try pipeline.store.counts()
            print("processed \(n) file(s); " + counts.byState.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            return
        }
        let global = self.global
        try await Daemon.run(config: config, reloadConfig: { try global.load() })
    }
}
