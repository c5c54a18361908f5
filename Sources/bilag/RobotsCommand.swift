import ArgumentParser
import BilagCore
import BilagEngine
import BilagFormats
import BilagIntake
import BilagRobots
import BilagStore
import Foundation

/// `bilag robots`: check, list, test, replay, resume.
struct RobotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "robots", abstract: "Check, list, try and replay robots.",
                                                    subcommands: [Check.self, List.self, Test.self, Replay.self, Resume.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load every robot in Robots/ and report errors as file:line:column.")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let config = try global.loadRoot()
            let catalog = RobotCatalog(folder: config.robotsPath, connectors: Set(config.connectors.keys))
            let (ok, errors) = catalog.checkAll()
            let out = Console()
            // Each lookup's query is asked of its connector as configured now (its data file, or its mapping in
            // bilag.yaml): a misspelt one would send every invoice to manual as `robot-error` at run time.
            let unknownQueries = ok.flatMap { Self.unknownQueries($0, config: config) }
            for r in ok { out.line("ok     \(r.file): \(r.name) (\(r.mode.rawValue), priority \(r.priority), version \(r.hash.prefix(12)))") }
            for e in errors { for mistake in e.all { out.line("error  \(mistake)") } }
            for u in unknownQueries { out.line("error  \(u)") }
            // Not an error: the journal keeps them; but the ERP file will not have them.
            for g in DimensionCoverage.gaps(config: config, robots: ok, store: (try? RobotsCommand.existingStore(config)) ?? nil) {
                out.line("warn   dimension \(g.dimension) (posted by \(DimensionCoverage.shown(g.postedBy))) has no column in ERP writer \(g.writer)'s layout: it reaches the journal, not the ERP file")
            }
            if !errors.isEmpty || !unknownQueries.isEmpty { throw ExitStatus.checkFailed.code }
        }

        /// The lookups of `robot` whose connector has no such query, as `file:line:column: message`.
        /// Also each lookup's params against what the query can take (a `files` query's record fields; an `http`
        /// query's `{param}` placeholders and `filter:`), and each write-back's action against an `http` connector's
        /// `actions:` — a misspelt name (`clinic:` for `clinic_cvr:`) would find nothing for every invoice, or never
        /// take effect.
        static func unknownQueries(_ robot: Robot, config: BilagConfig) -> [String] {
            robot.steps.flatMap { step -> [String] in
                switch step {
                case let .lookup(l): return lookupMismatches(l, config: config)
                case let .book(b): return b.writeBacks.flatMap { RobotWiring.writeBackMismatches($0, config: config) }
                default: return []
                }
            }
        }

        static func lookupMismatches(_ l: Lookup, config: BilagConfig) -> [String] {
            guard let c = config.connectors[l.connector] else { return [] }
            let at = "\(l.location.file):\(l.location.line):\(l.location.column)"
            let passed = Set(l.params.map(\.name))
            switch c.kind {
            case "files":
                let files = FilesConnector(name: l.connector, folder: c.folderPath(root: config.root))
                let known = files.queries
                guard known.contains(l.query) else {
                    return ["\(at): connector \(l.connector) has no data for query '\(l.query)' (\(c.folder)/\(l.query).json or .csv; it has: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"]
                }
                guard let fields = try? files.fieldNames(of: l.query), !fields.isEmpty else { return [] }
                return passed.subtracting(fields).sorted().map {
                    "\(at): lookup param '\($0)' is no field of \(l.connector)/\(l.query), so the lookup finds nothing (its fields: \(fields.sorted().joined(separator: ", ")))"
                }
            case "http":
                guard let queries = c.http?.queries else { return [] }
                guard let q = queries[l.query] else {
                    return ["\(at): connector \(l.connector) has no query '\(l.query)' under connectors.\(l.connector).queries in bilag.yaml (it has: \(queries.keys.sorted().joined(separator: ", ")))"]
                }
                let used = RequestTemplate.placeholders(q.path).union(q.body?.placeholders ?? []).union(q.filter)
                return passed.subtracting(used).sorted().map {
                    "\(at): lookup param '\($0)' is used by neither the path nor the body of query \(l.connector)/\(l.query) in bilag.yaml (it takes: \(used.sorted().joined(separator: ", ")))"
                } + used.subtracting(passed).subtracting(q.filter).sorted().map {
                    "\(at): query \(l.connector)/\(l.query) in bilag.yaml needs {\($0)}, which the lookup does not pass"
                }
            default:
                return []
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The robots in force: versions, modes, pauses, and files refused.")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let config = try global.loadRoot()
            JSONLogHandler.bootstrap(level: "critical")
            let catalog = RobotCatalog(folder: config.robotsPath, connectors: Set(config.connectors.keys))
            catalog.reload(force: true)
            // Pauses live in the state; a root bilag has not run in yet has none (and gets no database from a look).
            let paused = try RobotsCommand.existingStore(config)?.pausedRobots() ?? [:]
            let out = Console()
            out.table(["ROBOT", "MODE", "PRIORITY", "VERSION", "FILE", "STATE"], catalog.robots.map {
                [$0.name, $0.mode.rawValue, String($0.priority), String($0.hash.prefix(12)), $0.file, paused[$0.name].map { "PAUSED: \($0)" } ?? "active"]
            })
            for (_, e) in catalog.loadErrors { out.line("refused: \(e)") }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Dry-run one robot on one invoice file: its trace and decision; nothing changes.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The robot file (or the name of a robot in Robots/).") var robot: String
        @Argument(help: "The invoice file.") var invoice: String
        @Option(help: "The decision date (default today).") var today: String?
        @OptionGroup var reveal: RevealOptions
        @OptionGroup var op: OperatorOptions
        @Option(help: "Earlier bookings for `history` steps, instead of the root's store: a CSV with key,amount,issue_date,invoice_number[,robot].") var history: String?
        @Flag(help: "Show the values the robot sees for the invoice (invoice, seller, buyer, lines, tables).") var vars = false

        func run() throws {
            try reveal.check(note: op.note)
            let config = try global.loadRoot()
            JSONLogHandler.bootstrap(level: "critical")
            let r = try RobotsCommand.loadRobot(robot, config: config)
            guard let data = FileManager.default.contents(atPath: invoice) else {
                throw BilagError("file-unreadable", "cannot read \(invoice)", remedy: "check the path and its permissions")
            }
            let doc = try DocumentParser.parse(data)
            let store = try RobotsCommand.existingStore(config)
            // Revealing is audited in the root's state, so it needs one.
            let out = reveal.reveal ? Console(try Reveal.bulk([invoice], reveal, user: (try op.resolvedUser), note: op.note, command: "robots test \(robot)", store: try global.openStore().1)) : Console()
            var ctx = RobotsCommand.Lookups(config: config, store: store).context(invoice: doc.invoice, id: "dry-run", today: today.flatMap { LocalDate(parsing: $0) } ?? LocalDate.today())
            if let history { ctx.history = try FileHistory(path: history) }
            let runner = RobotRunner(robot: r)
            if vars {
                for (name, value) in runner.environment(ctx).values.sorted(by: { $0.key < $1.key }) { out.line("\(name) = \(value)") }
            }
            let result = runner.run(ctx)
            out.line("robot \(r.versionTag) on \(invoice):")
            for s in result.trace { out.line("  line \(s.line) \(s.step): \(s.result)" + (s.inputs.map { " — \($0)" } ?? "") + " (\(s.micros) µs)") }
            // As the daemon decides: pre-control and the posting rules still stand between a booking and the ledger.
            if case let .book(draft) = result.outcome {
                let checked = RobotDecider.checkBooking(draft, robot: r.name, invoice: doc.invoice, invoiceID: ctx.invoiceID, today: ctx.today, preControl: config.preControl, postingRules: config.postingRules)
                for t in checked.trace { out.line("  \(t.step): \(t.result)" + (t.detail.map { " — \($0)" } ?? "")) }
                if let stop = checked.stop {
                    out.line("decision: MANUAL \(stop.reason) — \(stop.message) (the robot itself would book on \(draft.account))")
                    return
                }
            }
            switch result.outcome {
            case .notMatched: out.line("decision: not taken (match does not hold)")
            case let .declined(why): out.line("decision: DECLINED (passes to the next robot or no-robot): \(why)")
            case let .book(d): out.line("decision: BOOK on \(d.account) \(d.dimensions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")) vat \(d.vatCode ?? "-") pay \(d.pay); \(d.caseUpdates.count) case update(s) would be sent")
            case let .deviation(reason, message): out.line("decision: MANUAL \(reason) — \(message)")
            case let .systemFailure(c, m): out.line("decision: WAIT for case system \(c): \(m)")
            }
        }
    }

    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a new or changed robot over invoices already decided and report where it would decide differently.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The robot file to try.") var robot: String
        @Option(help: "Replay invoices decided since this date (YYYY-MM-DD).") var since: String
        @Flag(help: "JSON lines, one per differing invoice.") var json = false

        func run() throws {
            let (config, store) = try global.openStore()
            JSONLogHandler.bootstrap(level: "critical")
            let r = try RobotsCommand.loadRobot(robot, config: config)
            let out = Console()
            let lookups = RobotsCommand.Lookups(config: config, store: store)
            var same = 0, differ = 0, untouched = 0
            for rec in try store.decidedSince(since) {
                guard let data = KeptOriginal.read(config.statePath + "/" + rec.storedPath, sha256: rec.sha256), let doc = try? DocumentParser.parse(data) else { continue }
                var ctx = lookups.context(invoice: doc.invoice, id: rec.id, today: rec.decidedAt.flatMap { LocalDate(parsing: String($0.prefix(10))) } ?? LocalDate.today())
                ctx.isReplay = true
                // Compared with the robot's own earlier decision, with history as it stood for the invoice then.
                let own = (try? store.decisions(invoice: rec.id))?.filter { $0.mode == "live" && $0.robot == r.name && $0.outcome != "waiting" } ?? []
                ctx.historyAsOf = own.first?.id ?? (try? store.firstLiveDecision(invoice: rec.id)) ?? nil
                let result = RobotRunner(robot: r).run(ctx)
                let was = own.last.map { $0.outcome == "book" ? "book" : ($0.reasonCode ?? $0.outcome) } ?? (rec.state == .booked ? "book" : (rec.reasonCode ?? rec.state.rawValue))
                let would: String
                switch result.outcome {
                case .notMatched, .declined: untouched += 1; continue
                case .book: would = "book"
                case let .deviation(reason, _): would = reason
                case .systemFailure: would = "case-system-unavailable"
                }
                if was == would { same += 1; continue }
                differ += 1
                if json {
                    try out.json(["invoice": rec.id, "was": was, "would": would, "decided_by": rec.decidedBy ?? ""])
                } else {
                    out.line("\(rec.id)  was \(was) (\(rec.decidedBy ?? "-"))  →  would \(would)")
                }
            }
            out.line("replay of \(r.versionTag) since \(since): \(same + differ) taken, \(same) same, \(differ) different, \(untouched) not taken")
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a robot that was paused because its deviation rate jumped.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var op: OperatorOptions
        @Argument(help: "The robot's name.") var name: String
        func run() throws {
            let (_, store) = try global.openStore()
            try store.setRobotPaused(name, paused: false, reason: "resumed by \((try op.resolvedUser))" + (op.note.map { ": \($0)" } ?? ""))
            try store.auditAction(actor: try op.actor, action: "robot-resumed", subject: name, detail: try AuditDetail.json(["note": op.note]))
            Console().line("robot \(name) resumed by \((try op.resolvedUser)); the daemon picks this up on its next pass")
        }
    }

    static func loadRobot(_ nameOrPath: String, config: BilagConfig) throws -> Robot {
        let loader = RobotLoader(connectors: Set(config.connectors.keys))
        var path = nameOrPath, shown = nameOrPath
        if !FileManager.default.fileExists(atPath: path) { path = config.robotsPath + "/" + nameOrPath + ".robot.yaml" }
        if !FileManager.default.fileExists(atPath: path) {
            // The robot's name (`robot:`), whatever its file is called: the file in Robots/ that names it.
            let catalog = RobotCatalog(folder: config.robotsPath, connectors: Set(config.connectors.keys))
            let files = catalog.files()
            // A file that loads and names it; else one whose `robot:` line names it, though it does not load (so its
            // own errors are shown, not "cannot read").
            guard let file = files.first(where: { f in (try? loader.load(path: config.robotsPath + "/" + f))?.name == nameOrPath })
                ?? files.first(where: { Self.namesRobot(nameOrPath, file: config.robotsPath + "/" + $0) }) else {
                throw BilagError("robot-not-found", "no robot file and no robot named '\(nameOrPath)' in \(config.robotsPath) (its files: \(files.isEmpty ? "none" : files.joined(separator: ", ")))",
                                 remedy: "give the path of a robot file, or the name its robot: line gives")
            }
            path = config.robotsPath + "/" + file
            shown = (config.robotsPath as NSString).lastPathComponent + "/" + file
        }
        do { return try loader.load(path: path, displayPath: shown) } catch {
            throw BilagError("robot-invalid", "\(error)", remedy: "fix the robot file (`bilag robots check` lists every error), or name a robot in Robots/")
        }
    }

    /// True when the robot file's `robot:` line gives `name` (read as text: the file need not load).
    static func namesRobot(_ name: String, file: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: file) else { return false }
        return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).contains { line in
            guard line.hasPrefix("robot:") else { return false }
            let value = line.dropFirst("robot:".count).split(separator: "#", maxSplits: 1).first ?? ""
            return value.trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: "\"'"))) == name
        }
    }

    /// The root's store when its database exists; nil for a root bilag has not run in (nothing is created).
    static func existingStore(_ config: BilagConfig) throws -> Store? {
        FileManager.default.fileExists(atPath: config.databasePath) ? try Store(path: config.databasePath) : nil
    }

    /// What a dry run or replay looks things up in, built once per command (the connectors keep their caches).
    struct Lookups {
        let connectors: [String: Connector]
        let history: HistoryProvider
        let plans: PlanProvider

        init(config: BilagConfig, store: Store?) {
            connectors = ConnectorConfig.build(config.connectors, root: config.root)
            history = store.map { RobotSetup.history($0) } ?? NoHistory()
            plans = store.map { RobotSetup.plans($0) } ?? NoPlans()
        }

        func context(invoice: Invoice, id: String, today: LocalDate) -> RobotContext {
            RobotContext(invoiceID: id, channel: "dry-run", invoice: invoice, today: today, connectors: connectors, history: history, plans: plans)
        }
    }
}
