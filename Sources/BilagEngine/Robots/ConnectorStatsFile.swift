import BilagCore
import BilagRobots
import Foundation

/// The connectors' figures as the daemon last wrote them (`STATE/connectors.json`), for `bilag status --json`,
/// which runs in another process. Holds no URL, parameter or secret (see `ConnectorStatsSnapshot`).
public enum ConnectorStatsFile {
    public static func path(stateDirectory: String) -> String { stateDirectory + "/connectors.json" }

    /// Writes the figures of the connectors that keep any (replacing the file atomically); nothing when none do.
    static func write(_ connectors: [String: Connector], stateDirectory: String) {
        let snapshots = connectors.values.compactMap(\.stats).sorted { $0.connector < $1.connector }
        guard !snapshots.isEmpty else { return }
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        guard let data = try? e.encode(snapshots) else { return }
        try? data.write(to: URL(fileURLWithPath: path(stateDirectory: stateDirectory)), options: .atomic)
    }

    /// The figures last written, or none.
    public static func read(stateDirectory: String) -> [ConnectorStatsSnapshot] {
        guard let data = FileManager.default.contents(atPath: path(stateDirectory: stateDirectory)) else { return [] }
        return (try? JSONDecoder().decode([ConnectorStatsSnapshot].self, from: data)) ?? []
    }
}
