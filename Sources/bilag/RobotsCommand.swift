import ArgumentParser
import BilagCore
import BilagEngine
import BilagFormats
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
            let config = try global.load()
            let catalog = RobotCatalog(folder: config.robotsPath, connectors: Set(config.connectors.keys))
            let (ok, errors) = catalog.checkAll()
            for r in ok { Output.line("ok     \(r.file): \(r.name) (\(r.mode.rawValue), priority \(r.priority), version \(r.hash.prefix(12)))") }
            for e in errors { for mistake in e.all { Output.line("error  \(mistake)") } }
            if !errors.isEmpty { throw ExitCode(1) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The robots in force: versions, modes, pauses, and files refused.")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let config = try global.load()
            JSONLogHandler.bootstrap(level: "critical")
            let store = try Bilag.guarded { try Store(path: config.databasePath) }
            let catalog = RobotCatalog(folder: config.robotsPath, connectors: Set(config.connectors.keys))
            catalog.reload(force: true)
            let paused = try store.pausedRobots()
            Output.table(["ROBOT", "MODE", "PRIORITY", "VERSION", "FILE", "STATE"], catalog.robots.map {
                [$0.name, $0.mode.rawValue, String($0.priority), String($0.hash.prefix(12)), $0.file, paused[$0.name].map { "PAUSED: \($0)" } ?? "active"]
            })
            for (_, e) in catalog.loadErrors { Output.line("refused: \(e)") }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Dry-run one robot on one invoice file: its trace and decision; nothing changes.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The robot file (or the name of a robot in Robots/).") var robot: String
        @Argument(help: "The invoice file.") var invoice: String
        @Option(help: "The decision date (default today).") var today: String?
        @Option(help: "Earlier bookings for `history` steps, instead of the root's store: a CSV with key,amount,issue_date,invoice_number[,robot].") var history: String?
        @Flag(help: "Show the values the robot sees for the invoice (invoice, seller, buyer, lines, tables).") var vars = false
        @Flag(help: "Show CPR numbers unmasked.") var reveal = false

        func run() throws {
            let config = try global.load()
            JSONLogHandler.bootstrap(level: "critical")
            let r = try RobotsCommand.loadRobot(robot, config: config)
            guard let data = FileManager.default.contents(atPath: invoice) else { throw ValidationError("cannot read \(invoice)") }
            let doc = try Bilag.guarded { try DocumentParser.parse(data) }
            let store = try? Store(path: config.databasePath)
            var ctx = RobotsCommand.Lookups(config: config, store: store).context(invoice: doc.invoice, id: "dry-run", today: today.flatMap { LocalDate(parsing: $0) } ?? LocalDate.today())
            if let history { ctx.history = try Bilag.guarded { try FileHistory(path: history) } }
            let runner = RobotRunner(robot: r)
            if vars {
                for (name, value) in runner.environment(ctx).values.sorted(by: { $0.key < $1.key }) { Output.line("\(name) = \(value)", reveal: reveal) }
            }
            let result = runner.run(ctx)
            Output.line("robot \(r.versionTag) on \(invoice):", reveal: reveal)
            for s in result.trace { Output.line("  line \(s.line) \(s.step): \(s.result)" + (s.inputs.map { " — \($0)" } ?? "") + " (\(s.micros) µs)", reveal: reveal) }
            // As the daemon decides: pre-control and the posting rules still stand between a booking and the ledger.
            if case let .book(draft) = result.outcome {
                let checked = RobotDecider.checkBooking(draft, robot: r.name, invoice: doc.invoice, invoiceID: ctx.invoiceID, today: ctx.today, preControl: config.preControl, postingRules: config.postingRules)
                for t in checked.trace { Output.line("  \(t.step): \(t.result)" + (t.detail.map { " — \($0)" } ?? ""), reveal: reveal) }
                if let stop = checked.stop {
                    Output.line("decision: MANUAL \(stop.reason) — \(stop.message) (the robot itself would book on \(draft.account))", reveal: reveal)
                    return
                }
            }
            switch result.outcome {
            case .notMatched: Output.line("decision: not taken (match does not hold)")
            case let .declined(why): Output.line("decision: DECLINED (passes to the next robot or no-robot): \(why)", reveal: reveal)
            case let .book(d): Output.line("decision: BOOK on \(d.account) \(d.dimensions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")) vat \(d.vatCode ?? "-") pay \(d.pay); \(d.caseUpdates.count) case update(s) would be sent", reveal: reveal)
            case let .deviation(reason, message): Output.line("decision: MANUAL \(reason) — \(message)", reveal: reveal)
            case let .systemFailure(c, m): Output.line("decision: WAIT for case system \(c): \(m)", reveal: reveal)
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
            let config = try global.load()
            JSONLogHandler.bootstrap(level: "critical")
            let r = try RobotsCommand.loadRobot(robot, config: config)
            let store = try Bilag.guarded { try Store(path: config.databasePath) }
            let lookups = RobotsCommand.Lookups(config: config, store: store)
            var same = 0, differ = 0, untouched = 0
            for rec in try store.decidedSince(since) {
                guard let data = FileManager.default.contents(atPath: config.statePath + "/" + rec.storedPath), let doc = try? DocumentParser.parse(data) else { continue }
                var ctx = lookups.context(invoice: doc.invoice, id: rec.id, today: rec.decidedAt.flatMap { LocalDate(parsing: String($0.prefix(10))) } ?? LocalDate.today())
                ctx.isReplay = true
                // Compared with the robot's own earlier decision, with history as it stood for the invoice then.
                let own = (try? store.decisions(invoice: rec.id))?.filter { $0.mode == "live" && $0.robot == r.name } ?? []
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
                    try Output.json(["invoice": rec.id, "was": was, "would": would, "decided_by": rec.decidedBy ?? ""])
                } else {
                    Output.line("\(rec.id)  was \(was) (\(rec.decidedBy ?? "-"))  →  would \(would)")
                }
            }
            Output.line("replay of \(r.versionTag) since \(since): \(same + differ) taken, \(same) same, \(differ) different, \(untouched) not taken")
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a robot that was paused because its deviation rate jumped.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var op: OperatorOptions
        @Argument(help: "The robot's name.") var name: String
        func run() throws {
            let config = try global.load()
            let store = try Bilag.guarded { try Store(path: config.databasePath) }
            try store.setRobotPaused(name, paused: false, reason: "resumed by \(op.resolvedUser)")
            Output.line("robot \(name) resumed by \(op.resolvedUser); the daemon picks this up on its next pass")
        }
    }

    static func loadRobot(_ nameOrPath: String, config: BilagConfig) throws -> Robot {
        let loader = RobotLoader(connectors: Set(config.connectors.keys))
        var path = nameOrPath
        if !FileManager.default.fileExists(atPath: path) { path = config.robotsPath + "/" + nameOrPath + ".robot.yaml" }
        do { return try loader.load(path: path, displayPath: nameOrPath) } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
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
