import BilagEngine
import BilagStore

/// Counts by state, each with its reasons, as `status` and `run --once` print them.
enum CountsText {
    static func lines(_ c: StatusCounts, indent: String = "  ") -> [String] {
        var out: [String] = []
        for (state, n) in c.byState.sorted(by: { $0.key < $1.key }) {
            out.append("\(indent)\(state): \(n)")
            for (reason, m) in (c.byReason[state] ?? [:]).sorted(by: { $0.value > $1.value }) { out.append("\(indent)    \(reason): \(m)") }
        }
        return out
    }
}

/// What read-only commands say in a bilag root whose state bilag has not created yet.
enum NotRunYet {
    static func text(_ config: BilagConfig) -> String {
        "bilag has not run in \(config.root) yet (no state database at \(config.databasePath)); start it with `bilag run`"
    }
}
