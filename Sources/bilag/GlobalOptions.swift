import ArgumentParser
import BilagCore
import BilagEngine
import BilagStore
import Foundation

/// Where bilag finds its folders and configuration.
struct GlobalOptions: ParsableArguments {
    @Option(help: "The folder holding bilag.yaml, Inbox/, Outbox/ and Robots/ (default: $BILAG_ROOT or the current folder).")
    var root: String?

    @Option(help: "The configuration file (default: $BILAG_CONFIG or ROOT/bilag.yaml when present).")
    var config: String?

    @Option(name: .customLong("state-dir"), help: "The state folder for the database and kept originals; also --state (except in `invoices list`, whose --state filters by invoice state). Default: $BILAG_STATE, `state:` in bilag.yaml, or ROOT/var.")
    var state: String?

    var resolvedRoot: String {
        root ?? ProcessInfo.processInfo.environment["BILAG_ROOT"] ?? FileManager.default.currentDirectoryPath
    }

    /// The configuration; errors stay typed (the daemon's reload logs them, the command line prints them).
    func load() throws -> BilagConfig {
        var c = try ConfigLoader.load(root: resolvedRoot, configPath: config)
        if let state { c.state = state }
        return c
    }

    /// The configuration of an existing bilag root whose state database exists; creates nothing. For every
    /// command but `run` (and the few that may set up state, see `loadRoot`).
    func loadExisting() throws -> BilagConfig {
        let c = try loadRoot()
        guard FileManager.default.fileExists(atPath: c.databasePath) else {
            throw BilagError("no-state", "there is no state database at \(c.databasePath): bilag has not run in \(c.root) yet",
                             remedy: "start `bilag run` in that root first, or give the state folder with --state-dir (or $BILAG_STATE)")
        }
        return c
    }

    /// The configuration of a bilag root: a folder with a `bilag.yaml` (or a given configuration file) or a state
    /// database. Anything else is refused before a file is created.
    func loadRoot() throws -> BilagConfig {
        let c = try load()
        guard c.configFile != nil || FileManager.default.fileExists(atPath: c.databasePath) else {
            throw BilagError("not-a-root", "\(c.root) is not a bilag root: it has no bilag.yaml and no state database (\(c.databasePath))",
                             remedy: "run the command in the folder bilag runs in, or give it with --root (or $BILAG_ROOT); `bilag run` sets up a new root")
        }
        return c
    }

    /// The store of an existing bilag root (see `loadExisting`).
    func openStore() throws -> (BilagConfig, Store) {
        let c = try loadExisting()
        return (c, try Store(path: c.databasePath))
    }

    /// For commands that only read: the store of a bilag root, or nil when bilag has not run there yet (the
    /// command shows nothing then, and creates nothing). A folder that is no bilag root is refused.
    func readStore() throws -> (BilagConfig, Store?) {
        let c = try loadRoot()
        return (c, FileManager.default.fileExists(atPath: c.databasePath) ? try Store(path: c.databasePath) : nil)
    }
}

/// Who is acting, for the audit trail.
struct OperatorOptions: ParsableArguments {
    @Option(help: "The operator acting (default: $BILAG_USER, else the login name).")
    var user: String?

    @Option(help: "A note kept with the action in the audit trail.")
    var note: String?

    /// Trimmed and lower-cased (`OperatorName`): the four-eyes rules compare names, and `BOB` is `bob`.
    var resolvedUser: String {
        get throws {
            let env = ProcessInfo.processInfo.environment
            return try OperatorName.normalized(user ?? env["BILAG_USER"] ?? env["USER"] ?? env["LOGNAME"] ?? "unknown")
        }
    }

    /// The actor as the audit trail names operators.
    var actor: String { get throws { "operator:\(try resolvedUser)" } }
}
