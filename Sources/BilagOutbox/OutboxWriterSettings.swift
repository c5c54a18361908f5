import BilagCore

/// One writer as `bilag.yaml` chooses it (`outbox.writers.NAME`): its kind, when its files close, and its own settings.
public struct OutboxWriterSettings: Sendable, Equatable {
    public var name: String
    public var kind: String
    /// A file closes when it holds this many bookings...
    public var maxEntriesPerFile: Int
    /// ...or when its oldest booking has waited this long; 0 closes a file at every flush (the journal's way).
    public var closeAfterSeconds: Int
    /// The kind's own settings, as text, for it to read.
    public var settings: [String: String]

    public init(name: String, kind: String, maxEntriesPerFile: Int = 10_000, closeAfterSeconds: Int = 0, settings: [String: String] = [:]) {
        self.name = name; self.kind = kind; self.maxEntriesPerFile = maxEntriesPerFile; self.closeAfterSeconds = closeAfterSeconds; self.settings = settings
    }

    /// The JSONL journal, as bilag has always written it.
    public static func journal(maxLinesPerFile: Int = 10_000) -> OutboxWriterSettings {
        OutboxWriterSettings(name: JournalWriter.defaultName, kind: JournalWriter.kind, maxEntriesPerFile: maxLinesPerFile)
    }
}

/// The errors a writer's settings give.
enum BilagErrorOutbox {
    static func config(_ message: String, remedy: String) -> BilagError {
        BilagError("config-invalid", "bilag.yaml: " + message, remedy: remedy)
    }
}
