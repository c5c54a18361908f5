import ArgumentParser
import BilagEngine
import Foundation

/// Where bilag finds its folders and configuration.
struct GlobalOptions: ParsableArguments {
    @Option(help: "The folder holding Inbox/, Outbox/ and Robots/ (default: $BILAG_ROOT or the current folder).")
    var root: String?

    @Option(help: "The configuration file (default: $BILAG_CONFIG or ROOT/bilag.yaml when present).")
    var config: String?

    @Option(name: .customLong("state-dir"), help: "The state folder for the database and kept originals (default: ROOT/var, or $BILAG_STATE).")
    var state: String?

    var resolvedRoot: String {
        root ?? ProcessInfo.processInfo.environment["BILAG_ROOT"] ?? FileManager.default.currentDirectoryPath
    }

    func load() throws -> BilagConfig {
        try Bilag.guarded {
            var c = try ConfigLoader.load(root: resolvedRoot, configPath: config)
            if let state { c.state = state }
            return c
        }
    }
}

/// Who is acting, for the audit trail.
struct OperatorOptions: ParsableArguments {
    @Option(help: "The operator acting (default: $BILAG_USER, else the login name).")
    var user: String?

    @Option(help: "A note kept with the action in the audit trail.")
    var note: String?

    var resolvedUser: String {
        let env = ProcessInfo.processInfo.environment
        return user ?? env["BILAG_USER"] ?? env["USER"] ?? env["LOGNAME"] ?? "unknown"
    }
}
