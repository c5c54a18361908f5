import BilagCore
import BilagIntake
import BilagOutbox
import BilagStore
import BilagRobots
import Foundation
import Yams

/// Reads `bilag.yaml`, then the environment, into a `BilagConfig`. Unknown keys are errors, so a typo never goes unnoticed.
public enum ConfigLoader {
    /// The keys the file may hold, by section.
    static let known: [String: Set<String>] = [
        "": ["state", "workers", "workers_nice", "intake", "journal", "outbox", "log", "connectors", "precontrol", "case_systems", "postings"],
        "postings": ["account_pattern", "chart_of_accounts", "vat_codes", "required_dimensions"],
        "connector": ["kind", "folder", "actions", "updates"],
        "action": ["query", "match", "set"],
        "precontrol": ["max_amount", "currency", "stop_suppliers", "due_date_passed", "sample_percent", "sample_seed"],
        "case_systems": ["deadline_minutes", "retry_base_seconds", "retry_max_seconds"],
        "intake": ["poll_interval_ms", "batch_size", "max_file_bytes", "max_bytes_in_flight", "readiness", "quiet_period_ms", "channels", "unfinished_delivery_minutes"],
        "journal": ["max_lines_per_file"],
        "outbox": ["flush_interval_ms", "writers"],
        "log": ["level"],
        "channel": ["readiness", "quiet_period_ms", "document_suffix", "receipt_suffix"],
    ]

    /// Loads the configuration for `root`: `configPath` if given, else `ROOT/bilag.yaml` if present, then `environment`.
    public static func load(root: String, configPath: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> BilagConfig {
        let rootPath = URL(fileURLWithPath: root).standardizedFileURL.path
        var config = BilagConfig(root: rootPath)
        let path = configPath ?? environment["BILAG_CONFIG"] ?? rootPath + "/bilag.yaml"
        if FileManager.default.fileExists(atPath: path) {
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw BilagError("config-unreadable", "cannot read \(path): \(error.localizedDescription)", remedy: "check the file's permissions")
            }
            try apply(yaml: text, file: path, to: &config)
            config.configFile = path
        } else if configPath != nil {
            throw BilagError("config-missing", "the configuration file \(path) does not exist", remedy: "give an existing file with --config, or leave it out to use the defaults")
        }
        try applyEnvironment(environment, to: &config)
        return config
    }

    static func apply(yaml text: String, file: String, to config: inout BilagConfig) throws {
        let node: Any?
        do { node = try Yams.load(yaml: text) } catch {
            throw BilagError("config-invalid", "\(file): \(error)", remedy: "fix the YAML syntax")
        }
        guard let top = node as? [String: Any] ?? (node == nil ? [:] : nil) else {
            throw BilagError("config-invalid", "\(file): the top level must be a mapping of settings")
        }
        try check(top, section: "", file: file)
        if let v = top["state"] { config.state = try string(v, "state", file) }
        if let v = top["workers"] { config.workers = try int(v, "workers", file) }
        if let v = top["workers_nice"] { config.workersNice = try nice(int(v, "workers_nice", file), "\(file): workers_nice") }
        if let intake = top["intake"] as? [String: Any] {
            try check(intake, section: "intake", file: file)
            if let v = intake["poll_interval_ms"] { config.pollIntervalMilliseconds = try int(v, "intake.poll_interval_ms", file) }
            if let v = intake["batch_size"] { config.batchSize = max(1, try int(v, "intake.batch_size", file)) }
            if let v = intake["unfinished_delivery_minutes"] {
                config.unfinishedDeliveryMinutes = try int(v, "intake.unfinished_delivery_minutes", file)
                guard config.unfinishedDeliveryMinutes >= 1 else {
                    throw BilagError("config-invalid", "\(file): intake.unfinished_delivery_minutes is \(config.unfinishedDeliveryMinutes); it must be at least 1",
                                     remedy: "leave it out for the default of 60, or give the minutes after which a half-written delivery is listed by `bilag status`")
                }
            }
            if let v = intake["max_file_bytes"] { config.maxFileBytes = Int64(try int(v, "intake.max_file_bytes", file)) }
            if let v = intake["max_bytes_in_flight"] {
                config.maxBytesInFlight = Int64(try int(v, "intake.max_bytes_in_flight", file))
                guard config.maxBytesInFlight >= 1024 * 1024 else {
                    throw BilagError("config-invalid", "\(file): intake.max_bytes_in_flight is \(config.maxBytesInFlight); it must be at least 1 MiB (1048576)", remedy: "leave it out for the default of 256 MiB, or give the bytes of invoice files bilag may hold in memory at once")
                }
            }
            config.defaultReadiness = try readiness(intake, "intake", file, fallback: config.defaultReadiness)
            if let channels = intake["channels"] as? [String: Any] {
                for (name, value) in channels {
                    let section = value as? [String: Any] ?? [:]
                    try check(section, section: "channel", file: file, prefix: "intake.channels.\(name)")
                    config.channels[name] = ChannelConfig(name: name, readiness: try readiness(section, "intake.channels.\(name)", file, fallback: config.defaultReadiness))
                }
            }
        }
        if let journal = top["journal"] as? [String: Any] {
            try check(journal, section: "journal", file: file)
            if let v = journal["max_lines_per_file"] { config.journalMaxLinesPerFile = max(1, try int(v, "journal.max_lines_per_file", file)) }
        }
        if let outbox = top["outbox"] {
            try outboxSection(outbox, file: file, written: writerSettingsAsWritten(text), into: &config)
        }
        if let connectors = top["connectors"] as? [String: Any] {
            for (name, value) in connectors {
                guard let c = value as? [String: Any] else { throw BilagError("config-invalid", "\(file): connectors.\(name) must be a mapping") }
                let kind = try c["kind"].map { try string($0, "connectors.\(name).kind", file) } ?? "files"
                let updates = try c["updates"].map { try string($0, "connectors.\(name).updates", file) } ?? "connector"
                guard ["connector", "files"].contains(updates) else {
                    throw BilagError("config-invalid", "\(file): connectors.\(name).updates is '\(updates)'", remedy: "use `connector` (write-backs sent through the connector, the default) or `files` (written into Outbox/case-updates/\(name)/ for a case system that takes files)")
                }
                defer { config.connectors[name]?.updatesAsFiles = updates == "files" }
                if kind == "http" {
                    config.connectors[name] = ConnectorConfig(name: name, kind: kind, folder: "", http: try HTTPConnectorLoader.settings(c, name: name, file: file))
                    continue
                }
                guard kind == "files" else {
                    throw BilagError("config-invalid", "\(file): connectors.\(name).kind is '\(kind)'", remedy: "use `files` (case data in a folder) or `http` (a case system's API, see docs/case-systems.md)")
                }
                try check(c, section: "connector", file: file, prefix: "connectors.\(name)")
                let folder = try c["folder"].map { try string($0, "connectors.\(name).folder", file) } ?? "casedata/\(name)"
                var actions: [String: FilesConnector.ActionMapping] = [:]
                for (action, spec) in (c["actions"] as? [String: Any]) ?? [:] {
                    guard let a = spec as? [String: Any] else { throw BilagError("config-invalid", "\(file): connectors.\(name).actions.\(action) must be a mapping") }
                    try check(a, section: "action", file: file, prefix: "connectors.\(name).actions.\(action)")
                    guard let q = a["query"] as? String else { throw BilagError("config-invalid", "\(file): connectors.\(name).actions.\(action) needs query") }
                    let match = ((a["match"] as? [String: Any]) ?? [:]).mapValues { "\($0)" }
                    let set = ((a["set"] as? [String: Any]) ?? [:]).mapValues { "\($0)" }
                    actions[action] = FilesConnector.ActionMapping(query: q, match: match, set: set)
                }
                config.connectors[name] = ConnectorConfig(name: name, kind: kind, folder: folder, actions: actions)
            }
        }
        if let pc = top["precontrol"] as? [String: Any] {
            try check(pc, section: "precontrol", file: file)
            func amount(_ key: String) throws -> Amount? {
                guard let v = pc[key] else { return nil }
                guard let a = Amount(parsing: "\(v)") else { throw BilagError("config-invalid", "\(file): precontrol.\(key) must be a number") }
                return a
            }
            config.preControl.maxAmount = try amount("max_amount")
            config.preControl.localCurrency = try pc["currency"].map { try string($0, "precontrol.currency", file) }
            config.preControl.stopSuppliers = Set(((pc["stop_suppliers"] as? [Any]) ?? []).map { Identifiers.normalizedPartyKey("\($0)") })
            config.preControl.stopWhenDueDatePassed = (pc["due_date_passed"] as? Bool) ?? false
            config.preControl.samplePercent = try amount("sample_percent") ?? .zero
            if let seed = pc["sample_seed"] { config.preControl.sampleSeed = "\(seed)" }
        }
        if let cs = top["case_systems"] as? [String: Any] {
            try check(cs, section: "case_systems", file: file)
            if let v = cs["deadline_minutes"] { config.caseSystemDeadlineSeconds = try int(v, "case_systems.deadline_minutes", file) * 60 }
            if let v = cs["retry_base_seconds"] { config.retryBaseSeconds = try int(v, "case_systems.retry_base_seconds", file) }
            if let v = cs["retry_max_seconds"] { config.retryMaxSeconds = try int(v, "case_systems.retry_max_seconds", file) }
            // The backoff doubles from the base up to the maximum: a base of 0 would never move, and the wait
            // before the next try would not be a number.
            guard config.retryBaseSeconds >= 1, config.retryMaxSeconds >= config.retryBaseSeconds else {
                throw BilagError("config-invalid", "\(file): case_systems.retry_base_seconds is \(config.retryBaseSeconds) and retry_max_seconds \(config.retryMaxSeconds); the base must be at least 1 and the maximum at least the base", remedy: "for example retry_base_seconds: 30 and retry_max_seconds: 1800")
            }
            guard config.caseSystemDeadlineSeconds >= 0 else {
                throw BilagError("config-invalid", "\(file): case_systems.deadline_minutes must not be negative", remedy: "give the minutes an invoice may wait for a case system before it goes to manual")
            }
        }
        if let postings = top["postings"] {
            config.postingRules = try postingRules(postings, root: config.root, file: file)
        }
        if let log = top["log"] as? [String: Any] {
            try check(log, section: "log", file: file)
            if let v = log["level"] { config.logLevel = try logLevel(string(v, "log.level", file), "\(file): log.level") }
        }
    }

    /// The `postings:` section: account pattern or chart of accounts, VAT codes, required dimensions.
    static func postingRules(_ value: Any, root: String, file: String) throws -> PostingRules {
        guard let map = value as? [String: Any] else { throw BilagError("config-invalid", "\(file): postings must be a mapping") }
        try check(map, section: "postings", file: file)
        var rules = PostingRules()
        if let v = map["account_pattern"] {
            let pattern = try string(v, "postings.account_pattern", file)
            guard PostingRules.validPattern(pattern) else {
                throw BilagError("config-invalid", "\(file): postings.account_pattern '\(pattern)' is not a regular expression", remedy: "for example '^[0-9]{4,10}$'")
            }
            rules.accountPattern = pattern
        }
        if let v = map["chart_of_accounts"] {
            let name = try string(v, "postings.chart_of_accounts", file)
            let path = name.hasPrefix("/") ? name : root + "/" + name
            rules.chartOfAccounts = try PostingRules.readChart(path)
            rules.chartFile = name
        }
        if let v = map["vat_codes"] {
            guard let list = v as? [Any], !list.isEmpty else {
                throw BilagError("config-invalid", "\(file): postings.vat_codes must be a list of the VAT codes the ledger knows", remedy: "for example [I0, I25]")
            }
            rules.vatCodes = Set(try list.map { try string($0, "postings.vat_codes", file) })
        }
        if let v = map["required_dimensions"] {
            guard let list = v as? [Any] else { throw BilagError("config-invalid", "\(file): postings.required_dimensions must be a list of dimension names", remedy: "for example [costcentre], or [] for none") }
            rules.requiredDimensions = try list.map { try string($0, "postings.required_dimensions", file) }
        }
        return rules
    }

    /// The `outbox:` section: the flush interval and the writers, each `NAME: {kind, max_entries_per_file,
    /// close_after_minutes, …its own settings}`. The JSONL journal must be among them: the store is rebuilt from it.
    /// Each Outbox writer's settings as the file writes them, by writer name: a writer's settings are text to it, so a
    /// scalar keeps its own spelling — `country: NO` is Norway (YAML 1.1 would read false), `client: 007` and
    /// `payable_account: 02400` keep their zeros, `vat_rate: 25.0` its decimal.
    static func writerSettingsAsWritten(_ text: String) -> [String: [String: String]] {
        guard let writers = (try? Yams.compose(yaml: text))?["outbox"]?["writers"]?.mapping else { return [:] }
        var out: [String: [String: String]] = [:]
        for (name, spec) in writers {
            guard let name = name.scalar?.string, let spec = spec.mapping else { continue }
            for (key, value) in spec { if let key = key.scalar?.string, let text = value.scalar?.string { out[name, default: [:]][key] = text } }
        }
        return out
    }

    static func outboxSection(_ value: Any, file: String, written: [String: [String: String]] = [:], into config: inout BilagConfig) throws {
        guard let map = value as? [String: Any] else { throw BilagError("config-invalid", "\(file): outbox must be a mapping") }
        try check(map, section: "outbox", file: file)
        if let v = map["flush_interval_ms"] { config.outboxFlushIntervalMilliseconds = max(10, try int(v, "outbox.flush_interval_ms", file)) }
        guard let writers = map["writers"] else { return }
        guard let entries = writers as? [String: Any], !entries.isEmpty else {
            throw BilagError("config-invalid", "\(file): outbox.writers must map each writer's name to its settings", remedy: "for example\n  writers:\n    journal: { kind: jsonl }")
        }
        var out: [OutboxWriterSettings] = []
        // The journal first, then the others by name: the order they are flushed in.
        for name in entries.keys.sorted(by: { ($0 == "journal" ? 0 : 1, $0) < ($1 == "journal" ? 0 : 1, $1) }) {
            let key = "outbox.writers.\(name)"
            guard name.range(of: "^[a-z][a-z0-9-]*$", options: .regularExpression) != nil else {
                throw BilagError("config-invalid", "\(file): \(key): a writer's name must be lowercase letters, digits and dashes", remedy: "it names the writer's folder under Outbox/ and starts its file names, e.g. erp or unit4-gl07")
            }
            guard let spec = entries[name] as? [String: Any] else { throw BilagError("config-invalid", "\(file): \(key) must be a mapping") }
            var s = OutboxWriterSettings(name: name, kind: try spec["kind"].map { try string($0, key + ".kind", file) } ?? (name == "journal" ? JournalWriter.kind : ""),
                                         maxEntriesPerFile: name == "journal" ? config.journalMaxLinesPerFile : 10_000)
            if let v = spec["max_entries_per_file"] { s.maxEntriesPerFile = max(1, try int(v, key + ".max_entries_per_file", file)) }
            if let v = spec["close_after_minutes"] { s.closeAfterSeconds = max(0, try int(v, key + ".close_after_minutes", file)) * 60 }
            for (k, v) in spec where !["kind", "max_entries_per_file", "close_after_minutes"].contains(k) { s.settings[k] = written[name]?[k] ?? "\(v)" }
            guard !s.kind.isEmpty else { throw BilagError("config-invalid", "\(file): \(key) has no kind", remedy: "give kind: one of \(OutboxWriterKinds.names.joined(separator: ", "))") }
            // Made once here, so a wrong kind or setting is refused when the file is read, not when the writer first runs.
            try OutboxWriterKinds.check(s, root: config.root)
            out.append(s)
        }
        let payments = out.filter { $0.kind == PaymentSettings.kind }.map(\.name)
        guard payments.count <= 1 else {
            throw BilagError("config-invalid", "\(file): outbox.writers has \(payments.count) payments writers (\(payments.joined(separator: ", ")))", remedy: "keep one: an invoice is paid by one payments writer; give it debtor_accounts for several accounts")
        }
        guard out.contains(where: { $0.name == Store.journalWriter && $0.kind == JournalWriter.kind }) else {
            throw BilagError("config-invalid", "\(file): outbox.writers has no journal writer", remedy: "keep `journal: { kind: jsonl }` among the writers: `bilag store check` and `bilag store rebuild` read the store's bookings back from it")
        }
        config.outboxWritersSetting = out
    }

    static func readiness(_ section: [String: Any], _ name: String, _ file: String, fallback: ReadinessRule) throws -> ReadinessRule {
        let quiet = try section["quiet_period_ms"].map { try int($0, name + ".quiet_period_ms", file) }
        guard let kind = section["readiness"] else {
            if let quiet, case .quiet = fallback { return .quiet(milliseconds: quiet) }
            return fallback
        }
        switch try string(kind, name + ".readiness", file) {
        case "rename": return .rename
        case "quiet": return .quiet(milliseconds: quiet ?? 2000)
        case "receipt":
            let doc = try section["document_suffix"].map { try string($0, name + ".document_suffix", file) } ?? ".doc.xml"
            let rec = try section["receipt_suffix"].map { try string($0, name + ".receipt_suffix", file) } ?? ".receipt.dat"
            return .receipt(documentSuffix: doc, receiptSuffix: rec)
        case let other:
            throw BilagError("config-invalid", "\(file): \(name).readiness is '\(other)'", remedy: "use rename, receipt or quiet")
        }
    }

    /// A nice value for the workers, from the file or the environment (`source` names which): 0 to 19.
    static func nice(_ n: Int, _ source: String) throws -> Int {
        guard (0...19).contains(n) else { throw BilagError("config-invalid", "\(source) is \(n); it must be 0 to 19", remedy: "use 0 to run the workers at bilag's own priority") }
        return n
    }

    /// A log level, from the file or the environment (`source` names which): one swift-log knows.
    static func logLevel(_ level: String, _ source: String) throws -> String {
        guard BilagConfig.logLevels.contains(level) else {
            throw BilagError("config-invalid", "\(source) is '\(level)', which is no log level", remedy: "use one of \(BilagConfig.logLevels.joined(separator: ", "))")
        }
        return level
    }

    static func applyEnvironment(_ env: [String: String], to config: inout BilagConfig) throws {
        func int(_ key: String) throws -> Int? {
            guard let v = env[key] else { return nil }
            guard let i = Int(v) else { throw BilagError("config-invalid", "environment \(key)=\(v) is not a whole number") }
            return i
        }
        if let v = env["BILAG_STATE"] { config.state = v }
        if let v = try int("BILAG_WORKERS") { config.workers = v }
        if let v = try int("BILAG_WORKERS_NICE") { config.workersNice = try nice(v, "environment BILAG_WORKERS_NICE") }
        if let v = try int("BILAG_POLL_INTERVAL_MS") { config.pollIntervalMilliseconds = v }
        if let v = try int("BILAG_BATCH_SIZE") { config.batchSize = max(1, v) }
        if let v = try int("BILAG_MAX_FILE_BYTES") { config.maxFileBytes = Int64(v) }
        if let v = try int("BILAG_QUIET_PERIOD_MS") { config.defaultReadiness = .quiet(milliseconds: v) }
        if let v = env["BILAG_LOG_LEVEL"] { config.logLevel = try logLevel(v, "environment BILAG_LOG_LEVEL") }
    }

    static func check(_ map: [String: Any], section: String, file: String, prefix: String? = nil) throws {
        let allowed = known[section] ?? []
        for key in map.keys where !allowed.contains(key) {
            let where_ = prefix ?? (section.isEmpty ? "the top level" : section)
            throw BilagError("config-invalid", "\(file): unknown setting '\(key)' in \(where_)", remedy: "known settings there: \(allowed.sorted().joined(separator: ", "))")
        }
    }

    static func string(_ v: Any, _ key: String, _ file: String) throws -> String {
        if let s = v as? String { return s }
        if let i = v as? Int { return String(i) }
        throw BilagError("config-invalid", "\(file): \(key) must be text")
    }

    static func int(_ v: Any, _ key: String, _ file: String) throws -> Int {
        if let i = v as? Int { return i }
        if let s = v as? String, let i = Int(s) { return i }
        throw BilagError("config-invalid", "\(file): \(key) must be a whole number")
    }
}
