import BilagIntake
import BilagOutbox
import BilagRobots
import Foundation

/// bilag's configuration: one YAML file (`bilag.yaml` in the root by default), overridden by `BILAG_*`
/// environment variables, overridden by command-line flags. Every setting has a default that works.
public struct BilagConfig: Sendable, Equatable {
    /// The folder that holds `Inbox/`, `Outbox/` and `Robots/`.
    public var root: String
    /// The state folder: database, kept originals, claim log. Relative paths are taken from `root`.
    public var state: String = "var"
    /// Parse and validate threads; 0 means one per core.
    public var workers: Int = 0
    /// How many nice steps below bilag's other threads the parse and validate threads run (0–19). The stages every
    /// batch passes through one at a time (claim, commit) then get a core first when all are busy, and the
    /// workers use what is left, rather than the serial stages queueing behind work that can wait.
    public var workersNice: Int = 5
    /// How often the Inbox is scanned when idle.
    public var pollIntervalMilliseconds: Int = 1000
    /// How many files are claimed and committed together, at most (a pass starts with 32 and doubles up to it).
    public var batchSize: Int = 256
    /// A file with an unfinished delivery's name (`.X.xml`, `X.part`, `X.tmp`) unchanged for this many minutes is
    /// listed by `bilag status` as a delivery its sender stopped half-way.
    public var unfinishedDeliveryMinutes: Int = 60
    /// Larger files are quarantined unread (reason `too-large`).
    public var maxFileBytes: Int64 = 50 * 1024 * 1024
    /// Invoice bytes held in memory at once between reading and examination, at most (a larger file is read alone).
    public var maxBytesInFlight: Int64 = 256 * 1024 * 1024
    /// The readiness rule for channels without their own.
    public var defaultReadiness: ReadinessRule = .quiet(milliseconds: 2000)
    /// Per-channel readiness rules, keyed by the folder name under `Inbox/`.
    public var channels: [String: ChannelConfig] = [:]
    /// Lines per journal file at most.
    public var journalMaxLinesPerFile: Int = 10_000
    /// The Outbox writers (`outbox.writers`), in the order they are flushed; nil: the JSONL journal alone, with
    /// `journalMaxLinesPerFile` lines per file (bilag's behaviour before writers could be chosen).
    public var outboxWritersSetting: [OutboxWriterSettings]?
    /// How often the Outbox service looks for files due to close when nothing was booked (`outbox.flush_interval_ms`).
    public var outboxFlushIntervalMilliseconds: Int = 1000
    /// How long an invoice may wait for a case system that is down before it goes to manual.
    public var caseSystemDeadlineSeconds: Int = 24 * 3600
    /// The first retry delay for a case system that is down; doubled per attempt up to `retryMaxSeconds`.
    public var retryBaseSeconds: Int = 30
    public var retryMaxSeconds: Int = 1800
    /// Case-system connectors robots may name. The demo's `files` connectors read `casedata/`.
    public var connectors: [String: ConnectorConfig] = [:]
    /// Global stop rules for what robots would book.
    public var preControl = PreControl()
    /// What every posting must satisfy, a robot's or an operator's (`postings:`).
    public var postingRules = PostingRules()
    /// `trace`, `debug`, `info`, `notice`, `warning`, `error`, `critical`.
    public var logLevel: String = "info"
    /// The configuration file read, or nil when none was there (every setting at its default).
    public var configFile: String?

    /// The log levels `log.level` and `$BILAG_LOG_LEVEL` accept.
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    public init(root: String) { self.root = root }

    public var rootURL: URL { URL(fileURLWithPath: root) }
    public var inboxPath: String { root + "/Inbox" }
    public var outboxPath: String { root + "/Outbox" }
    public var robotsPath: String { root + "/Robots" }
    public var statePath: String { state.hasPrefix("/") ? state : root + "/" + state }
    public var databasePath: String { statePath + "/bilag.sqlite" }
    /// The settings that differ in `new` and take effect only at a restart (a reload keeps the running values), by
    /// their names in `bilag.yaml`.
    public func settingsNeedingRestart(_ new: BilagConfig) -> [String] {
        var changed: [String] = []
        if new.root != root { changed.append("root") }
        if new.statePath != statePath { changed.append("state") }
        if new.workers != workers { changed.append("workers") }
        if new.workersNice != workersNice { changed.append("workers_nice") }
        if new.journalMaxLinesPerFile != journalMaxLinesPerFile { changed.append("journal.max_lines_per_file") }
        if new.logLevel != logLevel { changed.append("log.level") }
        if new.outboxWritersSetting != outboxWritersSetting { changed.append("outbox.writers") }
        return changed
    }

    /// The Outbox writers in effect: those `outbox.writers` chose, or the journal alone.
    public var outboxWriters: [OutboxWriterSettings] {
        outboxWritersSetting ?? [.journal(maxLinesPerFile: journalMaxLinesPerFile)]
    }

    public var effectiveWorkers: Int { workers > 0 ? workers : max(1, ProcessInfo.processInfo.activeProcessorCount) }
}
