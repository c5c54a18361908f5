import Foundation

/// A connector as configuration names it (`connectors:` in bilag.yaml).
public struct ConnectorConfig: Sendable, Equatable {
    public var name: String
    /// `files` (the embedded default) or `http` (a case system's own API, see `http`).
    public var kind: String
    /// For `files`: the folder of case data, relative to the root.
    public var folder: String
    public var actions: [String: FilesConnector.ActionMapping]
    /// For `http`: the base URL, TLS, credentials and the mapping of queries and actions.
    public var http: HTTPConnectorSettings?
    /// `updates: files`: the connector's write-backs are written as files into `Outbox/case-updates/NAME/` for a case
    /// system that takes files, instead of being sent through the connector (lookups still go through it).
    public var updatesAsFiles = false

    public init(name: String, kind: String, folder: String, actions: [String: FilesConnector.ActionMapping] = [:], http: HTTPConnectorSettings? = nil) {
        self.name = name; self.kind = kind; self.folder = folder; self.actions = actions; self.http = http
    }

    /// The case-data folder of a `files` connector: `folder` as written, taken from `root` unless absolute.
    public func folderPath(root: String) -> String { folder.hasPrefix("/") ? folder : root + "/" + folder }

    /// Builds the connectors; paths are taken from `root`.
    /// Credentials of `http` connectors are read from their files or environment variables now: one that cannot be
    /// read makes that connector's every request a system failure naming where it looked.
    ///
    /// `previous`: the connectors a reload replaces. An `http` connector of the same name keeps counting where its
    /// predecessor stopped (requests by result class, latencies: "since start" means since the daemon started, not since
    /// the last SIGHUP); it is built anew all the same, so rotated credentials and changed settings are read again.
    public static func build(_ configs: [String: ConnectorConfig], root: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                             previous: [String: Connector] = [:]) -> [String: Connector] {
        var out: [String: Connector] = [:]
        for (name, c) in configs {
            if c.kind == "files" {
                out[name] = FilesConnector(name: name, folder: c.folderPath(root: root), actions: c.actions)
            } else if c.kind == "http", let settings = c.http {
                out[name] = HTTPConnector(name: name, settings: settings.resolvingPaths(from: root), environment: environment, counters: (previous[name] as? HTTPConnector)?.counters)
            }
        }
        return out
    }
}
