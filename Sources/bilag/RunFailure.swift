import BilagCore
import BilagEngine
import BilagStore
import Logging

/// The error that ends `bilag run` (at start or later), as one JSON event for journald — level `critical`, with
/// `code`, `error` and `remedy`, as `reload failed` is logged — before the human-readable lines every command prints.
enum RunFailure {
    /// Logs `error`; `logging`: whether the JSON log is set up already (not when the configuration could not be read).
    static func log(_ error: Error, logging: Bool) {
        if !logging { JSONLogHandler.bootstrap(level: "info") }
        let typed = (error as? OperatorFacingError) ?? DatabaseTrouble.typed(error, path: nil)
        let remedy = typed.map(\.remedy) ?? "an unexpected error inside bilag: report it with this message"
        var metadata: Logger.Metadata = ["code": "\(typed?.code ?? "internal-error")", "error": "\(typed?.message ?? "\(error)")"]
        if !remedy.isEmpty { metadata["remedy"] = "\(remedy)" }
        Logger(label: "bilag").critical("bilag run stopped on an error", metadata: metadata)
    }
}
