import ArgumentParser
import BilagCore
import BilagEngine
import BilagRobots
import Foundation

/// `bilag connectors check [NAME]`: whether each case system answers, how fast, its TLS peer and client certificate.
struct ConnectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "connectors", abstract: "Check the case-system connectors of bilag.yaml.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ask each connector (or NAME): does it answer, latency, TLS peer, client certificate expiry. Exits non-zero when one does not answer.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "One connector's name; all when left out.") var name: String?
        @Flag(help: "JSON for scripts.") var json = false

        func run() throws {
            let config = try global.loadRoot()
            JSONLogHandler.bootstrap(level: "critical")
            if let name, config.connectors[name] == nil {
                throw BilagError("connector-unknown", "bilag.yaml has no connector '\(name)'", remedy: "known: \(config.connectors.keys.sorted().joined(separator: ", "))")
            }
            let chosen = config.connectors.filter { name == nil || $0.key == name }
            let built = ConnectorConfig.build(chosen, root: config.root)
            let checks: [ConnectorCheck] = chosen.keys.sorted().map { n in
                if let http = built[n] as? HTTPConnector { return http.check() }
                let folder = config.connectors[n]!.folder.hasPrefix("/") ? config.connectors[n]!.folder : config.root + "/" + config.connectors[n]!.folder
                var isDir: ObjCBool = false
                let ok = FileManager.default.fileExists(atPath: folder, isDirectory: &isDir) && isDir.boolValue
                return ConnectorCheck(connector: n, kind: "files", answers: ok, detail: ok ? "folder \(folder)" : "the folder \(folder) is missing")
            }
            let out = Console()
            if json { try out.json(checks) } else {
                for c in checks {
                    out.line("\(c.answers ? "ok   " : "DOWN ") \(c.connector) (\(c.kind)): \(c.detail)" + (c.latencyMilliseconds.map { ", \($0) ms" } ?? ""))
                    if let peer = c.tlsPeer { out.line("      TLS peer: \(peer)") }
                    if let cert = c.clientCertificateExpires { out.line("      client certificate expires: \(cert)") }
                }
            }
            if checks.contains(where: { !$0.answers }) { throw ExitStatus.checkFailed.code }
        }
    }
}
