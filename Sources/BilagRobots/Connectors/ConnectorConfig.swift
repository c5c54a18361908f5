import Foundation

/// A connector as configuration names it (`connectors:` in bilag.yaml).
public struct ConnectorConfig: Sendable, Equatable {
    public var name: String
    /// `files` (the embedded default). `http` comes with the case-system connectors.
    public var kind: String
    /// For `files`: the folder of case data, relative to the root.
    public var folder: String
    public var actions: [String: FilesConnector.ActionMapping]

    public init(name: String, kind: String, folder: String, actions: [String: FilesConnector.ActionMapping] = [:]) {
        self.name = name; self.kind = kind; self.folder = folder; self.actions = actions
    }

    /// Builds the connectors; paths are taken from `root`.
    public static func build(_ configs: [String: ConnectorConfig], root: String) -> [String: Connector] {
        var out: [String: Connector] = [:]
        for (name, c) in configs where c.kind == "files" {
            let folder = c.folder.hasPrefix("/") ? c.folder : root + "/" + c.folder
            out[name] = FilesConnector(name: name, folder: folder, actions: c.actions)
        }
        return out
    }
}
