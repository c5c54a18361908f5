/// `--state DIR` is the documented name of the state-folder flag (like `state:` in bilag.yaml and `$BILAG_STATE`),
/// `--state-dir DIR` its other name. `invoices list` and `payments list` have their own `--state` (a filter), and one
/// option group cannot carry a name a command uses too, so `--state` is read as `--state-dir` before parsing,
/// everywhere but in those two.
enum StateFlag {
    /// The arguments with `--state` (and `--state=DIR`) spelled `--state-dir`, unless the command is `invoices list` or
    /// `payments list`.
    static func normalised(_ arguments: [String]) -> [String] {
        if arguments.starts(with: ["invoices", "list"]) || arguments.starts(with: ["payments", "list"]) { return arguments }
        return arguments.map { a in
            if a == "--state" { return "--state-dir" }
            if a.hasPrefix("--state=") { return "--state-dir=" + a.dropFirst("--state=".count) }
            return a
        }
    }
}
