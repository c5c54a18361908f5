import BilagCore
import BilagEngine
import BilagStore
import Foundation
import Synchronization

/// The touchless-rate benchmark: a generated month of invoices of every kind the shipped robots handle, plus
/// ordinary supplier invoices no robot should keep, each with its known expected outcome. OIOUBL and PEPPOL come in
/// equal parts; senders put the citizen's CPR wherever real senders do (document or line note, line description,
/// item id, buyer reference, OIOUBL contact ID); the month before is the history (first rent invoices, approved by
/// a clerk); and halfway through the month the traffic mix changes abruptly (ordinary supplier invoices go from
/// 1 in 10 to 4 in 10). It runs the real pipeline with the shipped robots on a fresh root with generated case data
/// and plans, and reports the share booked without a human and the share of outcomes that match the expectation.
public struct TouchlessBench {
    public var count: Int
    public var seed: UInt64
    /// The repository root holding `Robots/` and `bilag.yaml` to run with.
    public var repository: String

    /// When set, the case systems are not the embedded `files` ones but the loopback HTTP case system
    /// (`LoopbackCaseSystem`) serving the same data, every lookup answered after this delay.
    public var caseSystem: CaseSystemSetting?

    /// The environment the pipeline's tuning is read from, as `bilag run` reads it (`tuningVariables` only).
    public var environment: [String: String]

    public init(count: Int, seed: UInt64 = 42, repository: String, caseSystem: CaseSystemSetting? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.count = count; self.seed = seed; self.repository = repository; self.caseSystem = caseSystem; self.environment = environment
    }

    /// The variables of `bilag run`'s environment that tune the pipeline, which the month runs with too: what a run
    /// over the same files would do. The others (`BILAG_STATE` above all: the month's database is its own) are not
    /// taken.
    public static let tuningVariables = ["BILAG_WORKERS", "BILAG_WORKERS_NICE", "BILAG_BATCH_SIZE"]

    /// How the pipeline of a run was set up: what its figures were measured with.
    public struct PipelineShape: Sendable, Encodable, Equatable {
        /// Examination workers, and whether that is the default (one per core).
        public var workers: Int
        public var workersPerCore: Bool
        public var workersNice: Int
        public var batchSize: Int

        enum CodingKeys: String, CodingKey { case workers, workersPerCore = "workers_per_core", workersNice = "workers_nice", batchSize = "batch_size" }

        init(_ config: BilagConfig) {
            workers = config.effectiveWorkers; workersPerCore = config.workers <= 0; workersNice = config.workersNice; batchSize = config.batchSize
        }

        /// One line for the report.
        public var description: String {
            "pipeline: \(workers) examination worker\(workers == 1 ? "" : "s")\(workersPerCore ? " (one per core)" : "") at nice \(workersNice), batches of \(batchSize)"
        }
    }

    /// The loopback case system of a run: each lookup answered after `delayMilliseconds`, at most `maxInFlight`
    /// requests open to each connector. Write-backs are answered at once (they are sent after the commit).
    public struct CaseSystemSetting: Sendable {
        public var delayMilliseconds: Int
        public var maxInFlight: Int
        public init(delayMilliseconds: Int, maxInFlight: Int = 64) { self.delayMilliseconds = delayMilliseconds; self.maxInFlight = maxInFlight }
    }

    /// What the loopback case system saw of the month.
    public struct CaseSystemFigures: Sendable, Encodable {
        public var delayMilliseconds: Int
        public var maxInFlight: Int
        public var lookups: Int
        public var lookupsPerSecond: Double
        /// The most requests the case system had open at once, all connectors together (it counts them itself).
        public var peakInFlight: Int
        /// The most each connector had open at once (never above `maxInFlight`).
        public var peakInFlightByConnector: [String: Int]
        /// CPU seconds (user + system) the loopback server spent while the month was decided: taken from the same
        /// cores, so not bilag's cost, but part of what the machine did.
        public var serverCPUSeconds: Double?
        /// TCP connections the server accepted while the month was decided (kept alive and reused: about one per
        /// request in flight, not one per request).
        public var connections: Int

        enum CodingKeys: String, CodingKey {
            case delayMilliseconds = "delay_ms", maxInFlight = "max_in_flight", lookups, lookupsPerSecond = "lookups_per_second", peakInFlight = "peak_in_flight",
                 peakInFlightByConnector = "peak_in_flight_by_connector", serverCPUSeconds = "server_cpu_seconds", connections
        }
    }

    /// What one run gave.
    public struct Result: Sendable, Encodable {
        public var invoices: Int
        public var booked: Int
        public var asExpected: Int
        public var touchlessRate: Double
        public var expectationMatch: Double
        public var seconds: Double
        /// CPU time (user + system, every thread) the process spent deciding the month: what the month costs
        /// whatever else the machine is doing.
        public var cpuSeconds: Double
        public var byKind: [String: [String: Int]]
        public var mismatches: [String]
        /// With a loopback case system: what it saw.
        public var caseSystem: CaseSystemFigures?
        /// Decisions made ahead on the examination workers and taken at commit as they were (`confirmed`), and those
        /// decided again on the committing thread because something they read had changed (`redone`).
        public var decidedAhead: [String: Int]
        /// The pipeline's workers and batches the month ran with.
        public var pipeline: PipelineShape

        enum CodingKeys: String, CodingKey {
            case invoices, booked, asExpected = "as_expected", touchlessRate = "touchless_rate", expectationMatch = "expectation_match", seconds, cpuSeconds = "cpu_seconds", byKind = "by_kind", mismatches,
                 caseSystem = "case_system", decidedAhead = "decided_ahead", pipeline
        }
    }

    struct Case { var name: String; var kind: String; var invoice: ScenarioInvoice; var expected: String }

    public func run() throws -> Result {
        let root = NSTemporaryDirectory() + "bilag-touchless-" + UUID().uuidString
        // `BILAG_BENCH_KEEP=1`: the root stays (its database, Outbox and case data), for a look afterwards.
        let keep = ProcessInfo.processInfo.environment["BILAG_BENCH_KEEP"] == "1"
        defer { if keep { FileHandle.standardError.write(Data("kept \(root)\n".utf8)) } else { try? FileManager.default.removeItem(atPath: root) } }
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/Inbox/month", withIntermediateDirectories: true)
        try fm.copyItem(atPath: repository + "/Robots", toPath: root + "/Robots")
        try fm.createDirectory(atPath: root + "/casedata/health", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/casedata/benefits", withIntermediateDirectories: true)
        var yaml = try String(contentsOfFile: repository + "/bilag.yaml", encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "  channels:\n", with: "  channels:\n    month:\n      readiness: rename\n").replacingOccurrences(of: "  level: info", with: "  level: critical")
        try yaml.write(toFile: root + "/bilag.yaml", atomically: true, encoding: .utf8)

        var rng = SplitMix64(seed: seed) // the same stream everywhere for a seed
        var orders: [[String: String]] = []
        var rentCases: [[String: String]] = []
        var previousMonth: [Case] = []
        var month: [Case] = []
        let clinics = ["12345607", "12345615"]
        let housing = ["12345623", "12345631"]
        var cprSerial = 1000
        func cpr() -> String {
            cprSerial += 1
            let day = 1 + cprSerial % 28, mon = 1 + (cprSerial / 28) % 12, yy = 40 + (cprSerial / 336) % 60
            return String(format: "%02d%02d%02d-%04d", day, mon, yy, cprSerial % 10000)
        }
        let n = max(20, count)
        for i in 0..<n {
            // Halfway, the mix changes: ordinary supplier invoices take 40 % instead of 10 %.
            let ordinaryShare: UInt64 = i < n / 2 ? 10 : 40
            let raw = rng.next() % 100
            let roll = raw < ordinaryShare ? 100 : (raw - ordinaryShare) * 90 / (100 - ordinaryShare)
            let oioubl = i % 2 == 1
            if roll < 30 { // medical certificates
                let p = cpr(), clinic = clinics[Int(rng.next() % 2)], order = "ORD-B-\(i)"
                let type = ["LÆ 125", "LÆ 145", "LÆ 265", "LÆ 285"][Int(rng.next() % 4)]
                let amount = ["LÆ 125": "405.00", "LÆ 145": "1200.00", "LÆ 265": "2900.00", "LÆ 285": "900.00"][type]!
                var inv = ScenarioInvoice()
                inv.number = "MED-\(i)"; inv.sellerCVR = clinic; inv.buyerEAN = "5798000000018"; inv.issueDate = "2026-11-\(String(format: "%02d", 1 + i % 28))"
                inv.oioubl = oioubl
                inv.amount(amount, vat: "0")
                // Where this sender writes the citizen.
                switch rng.next() % 6 {
                case 0: inv.lineNote = "Borger \(p)"
                case 1: inv.lineDescription = "Lægeerklæring \(type) vedr. \(p)"
                case 2: inv.sellersItemID = p.replacingOccurrences(of: "-", with: "")
                case 3: if oioubl { inv.buyerContactID = p } else { inv.buyerReference = p }
                default: inv.note = "Attest CPR \(p)"
                }
                var expected = "booked"
                let variant = rng.next() % 100
                var status = "open"
                if variant < 4 { inv.amount("9999.00", vat: "0"); expected = "amount-outside-tariff" } else if variant < 7 {
                    inv.note = "Attest"; inv.lineNote = nil; inv.lineDescription = nil; inv.sellersItemID = nil; inv.buyerReference = nil; inv.buyerContactID = nil
                    expected = "missing-cpr"
                } else if variant < 10 { status = "cancelled"; expected = "order-not-open" }
                if !(variant >= 10 && variant < 13) {
                    orders.append(["id": order, "cpr": p.replacingOccurrences(of: "-", with: ""), "clinic_cvr": clinic, "certificate_type": type, "status": status, "case_id": "SAG-\(i)", "ordered_at": "2026-10-01"])
                } else { expected = "no-order" }
                month.append(Case(name: "med-\(i)", kind: "medical-certificates", invoice: inv, expected: expected))
            } else if roll < 55 { // rent: last month booked, this month decided
                let p = cpr(), h = housing[Int(rng.next() % 2)], tenancy = "L-\(i)-1"
                let rent = Amount(4000 + Int(rng.next() % 3000))
                rentCases.append(["case_id": "YD-\(i)", "cpr": p.replacingOccurrences(of: "-", with: ""), "tenancy_id": tenancy, "housing_cvr": h, "status": "active", "rent_administered": "true"])
                var last = ScenarioInvoice()
                last.number = "RENT-\(i)-10"; last.sellerCVR = h; last.sellerName = "Boligselskab"; last.buyerEAN = "5798000000100"; last.issueDate = "2026-10-01"
                last.note = "Lejer \(p)"; last.contractReference = tenancy; last.amount(rent.description + ".00", vat: "0"); last.oioubl = oioubl
                previousMonth.append(Case(name: "rent-\(i)-prev", kind: "rent-payments", invoice: last, expected: "first-rent-invoice"))
                var inv = last
                inv.number = "RENT-\(i)-11"; inv.issueDate = "2026-11-01"
                var expected = "booked"
                let variant = rng.next() % 100
                if variant < 5 { inv.amount((rent + 2000).description + ".00", vat: "0"); expected = "rent-change-too-large" } else if variant < 8 {
                    rentCases[rentCases.count - 1]["status"] = "stopped"; expected = "case-stopped"
                } else { inv.amount((rent + Amount(Int(rng.next() % 100))).description + ".00", vat: "0") }
                month.append(Case(name: "rent-\(i)", kind: "rent-payments", invoice: inv, expected: expected))
            } else if roll < 90 { // payment plans
                var inv = ScenarioInvoice()
                let supplier = ["12345666", "12345674", "12345682", "12345690"][i % 4]
                let ean = ["5798000000117", "5798000000124", "5798000000209"][(i / 4) % 3]
                inv.number = "PLAN-\(i)"; inv.sellerCVR = supplier; inv.sellerName = "Leverandør \(supplier)"; inv.buyerEAN = ean
                inv.issueDate = "2026-11-\(String(format: "%02d", 1 + i % 28))"
                inv.contractReference = "K-\(i)"; inv.oioubl = oioubl
                inv.amount((1000 + Amount(Int(rng.next() % 5000))).description + ".00", vat: "25")
                var expected = "booked"
                let variant = rng.next() % 100
                if variant < 5 { inv.amount("90000.00", vat: "25"); expected = "amount-outside-plan" } else if variant < 9 { inv.contractReference = "UNKNOWN-\(i)"; expected = "no-plan" }
                month.append(Case(name: "plan-\(i)", kind: "payment-plans", invoice: inv, expected: expected))
            } else { // an ordinary supplier invoice: no plan names its supplier and receiver, so the plans robot declines it
                var inv = ScenarioInvoice()
                inv.number = "OTHER-\(i)"; inv.sellerCVR = "12345704"; inv.sellerName = "Ukendt Leverandør"; inv.buyerEAN = "5798000000216"
                inv.amount("\(500 + i).00", vat: "25"); inv.oioubl = oioubl; inv.issueDate = "2026-11-\(String(format: "%02d", 1 + i % 28))"
                month.append(Case(name: "other-\(i)", kind: "none", invoice: inv, expected: "no-robot"))
            }
        }
        try Self.writeJSON(orders, to: root + "/casedata/health/orders.json")
        try Self.writeJSON(rentCases.map { r in r.mapValues { $0 as Any }.merging(["rent_administered": true]) { _, b in b } }, to: root + "/casedata/benefits/rent-cases.json")

        var server: LoopbackCaseSystem?
        if let cs = caseSystem {
            let loopback = try LoopbackCaseSystem(script: LoopbackCaseSystem.script(in: repository), data: root + "/casedata")
            try Self.replaceConnectors(in: root + "/bilag.yaml", with: loopback.connectorsYAML(maxInFlight: cs.maxInFlight))
            server = loopback
        }
        let config = try ConfigLoader.load(root: root, environment: environment.filter { Self.tuningVariables.contains($0.key) })
        let today = LocalDate(parsing: "2026-11-30")!
        let pipeline = try Pipeline.withRobots(config: config, clock: { today })
        // One plan per contract: the identifier printed on the invoice is the contract number.
        var planRows: [String] = []
        for c in month where c.kind == "payment-plans" && c.expected != "no-plan" {
            let ref = c.invoice.contractReference!
            planRows.append("P-\(ref),Plan \(ref),pre-posting,\(c.invoice.sellerCVR),\(c.invoice.buyerEAN),100.00,20000.00,monthly,,,\(ref),4310010,costcentre=1100,I25,2026-01-01,2026-12-31,")
        }
        // An invoice with an unknown contract is the plans robot's `no-plan` when plans name its supplier and
        // receiver; when none does, the robot declines it (`no-robot`).
        let pairs = Set(month.filter { $0.kind == "payment-plans" && $0.expected != "no-plan" }.map { $0.invoice.sellerCVR + "/" + $0.invoice.buyerEAN })
        for (i, c) in month.enumerated() where c.kind == "payment-plans" && c.expected == "no-plan" && !pairs.contains(c.invoice.sellerCVR + "/" + c.invoice.buyerEAN) {
            month[i].expected = "no-robot"
        }
        let header = "id,name,kind,supplier_cvr,receiver_ean,min_amount,max_amount,cadence,order_number,invoice_prefix,identifier,account,dimensions,vat_code,valid_from,valid_to,note"
        for p in try PlanCSV.parse(([header] + planRows).joined(separator: "\n"), by: "bench") { try pipeline.store.addPlan(p) }

        // Last month: the first rent invoice of each tenancy, checked and approved by a clerk.
        for c in previousMonth { try c.invoice.xml.write(toFile: root + "/Inbox/month/\(c.name).xml", atomically: false, encoding: .utf8) }
        _ = try pipeline.drain()
        let queue = ManualQueue(pipeline: pipeline)
        for r in try pipeline.store.invoices(state: .manual, reason: "first-rent-invoice", limit: 1_000_000) {
            _ = try queue.approve(r.id, posting: .init(account: "5640010", dimensions: ["costcentre": "3310"]), by: "clerk")
        }
        let before = Set(try pipeline.store.invoices(limit: 10_000_000).map(\.id))

        // This month.
        for c in month { try c.invoice.xml.write(toFile: root + "/Inbox/month/\(c.name).xml", atomically: false, encoding: .utf8) }
        if let server, let cs = caseSystem {
            try server.delay(Double(cs.delayMilliseconds) / 1000, writes: false)
            try server.resetPeak()
        }
        let serverBefore = server?.stats ?? [:], serverCPUBefore = server?.cpuSeconds
        // The Outbox is written beside the commit, as the daemon's Outbox service writes it.
        let flush = BackgroundFlush(outbox: pipeline.outbox, store: pipeline.store)
        pipeline.flushing = flush
        // And write-backs are sent beside it, as the daemon's case-update service sends them (with the embedded `files`
        // connector a batch's in one write, over HTTP side by side).
        let robots = pipeline.decider as? RobotDecider
        // `BILAG_BENCH_DECIDE_AHEAD=1`: valid invoices decided ahead on the workers (`RobotDecider.decidesAhead`).
        if ProcessInfo.processInfo.environment["BILAG_BENCH_DECIDE_AHEAD"] == "1" { robots?.decidesAhead = true }
        let aheadBefore = (robots?.decidedAheadConfirmed.load(ordering: .relaxed) ?? 0, robots?.decidedAheadRedone.load(ordering: .relaxed) ?? 0)
        let updates = robots.map { r in BackgroundCaseUpdates(decider: r, outbox: flush) }
        robots?.caseUpdates = updates
        let hold = ProfilingHold(ProcessInfo.processInfo.environment["BILAG_BENCH_HOLD"])
        hold.beforeTimedWindow()
        let start = Date(), cpuStart = Self.cpuSeconds()
        _ = try pipeline.drain()
        try updates?.finish()
        try flush.finish()
        let seconds = Date().timeIntervalSince(start), cpuSeconds = Self.cpuSeconds() - cpuStart
        hold.afterTimedWindow()
        var figures: CaseSystemFigures?
        if let server, let cs = caseSystem {
            let stats = server.stats
            let lookups = (stats["lookups"] as? Int ?? 0) - (serverBefore["lookups"] as? Int ?? 0)
            let connections = (stats["connections"] as? Int ?? 0) - (serverBefore["connections"] as? Int ?? 0)
            let serverCPU = serverCPUBefore.flatMap { before in server.cpuSeconds.map { $0 - before } }
            var byConnector: [String: Int] = [:]
            for (name, c) in (pipeline.decider as? RobotDecider)?.connectors ?? [:] { byConnector[name] = c.stats?.peakInFlight }
            figures = CaseSystemFigures(delayMilliseconds: cs.delayMilliseconds, maxInFlight: cs.maxInFlight, lookups: lookups, lookupsPerSecond: Double(lookups) / seconds,
                                        peakInFlight: stats["peak_in_flight"] as? Int ?? -1, peakInFlightByConnector: byConnector, serverCPUSeconds: serverCPU, connections: connections)
        }
        var outcome: [String: String] = [:]
        for r in try pipeline.store.invoices(limit: 10_000_000) where !before.contains(r.id) {
            let name = ((r.sourcePath as NSString).lastPathComponent as NSString).deletingPathExtension
            outcome[name] = r.state == .booked ? "booked" : (r.reasonCode ?? r.state.rawValue)
        }
        var booked = 0, matched = 0
        var byKind: [String: [String: Int]] = [:]
        var mismatches: [String] = []
        for c in month {
            let got = outcome[c.name] ?? "missing"
            if got == "booked" { booked += 1 }
            if got == c.expected { matched += 1 } else if mismatches.count < 20 { mismatches.append("\(c.name): expected \(c.expected), got \(got)") }
            byKind[c.kind, default: [:]][got, default: 0] += 1
        }
        return Result(invoices: month.count, booked: booked, asExpected: matched, touchlessRate: Double(booked) / Double(month.count),
                      expectationMatch: Double(matched) / Double(month.count), seconds: seconds, cpuSeconds: cpuSeconds, byKind: byKind, mismatches: mismatches, caseSystem: figures,
                      decidedAhead: ["confirmed": (robots?.decidedAheadConfirmed.load(ordering: .relaxed) ?? 0) - aheadBefore.0, "redone": (robots?.decidedAheadRedone.load(ordering: .relaxed) ?? 0) - aheadBefore.1],
                      pipeline: PipelineShape(config))
    }

    /// `bilag.yaml`'s `connectors:` section (up to the next blank line) replaced by `section`.
    static func replaceConnectors(in path: String, with section: String) throws {
        let yaml = try String(contentsOfFile: path, encoding: .utf8)
        guard let start = yaml.range(of: "\nconnectors:\n"), let end = yaml.range(of: "\n\n", range: start.upperBound..<yaml.endIndex) else {
            throw BilagError("bench-config", "\(path) has no connectors: section to replace", remedy: "give --root a checkout whose bilag.yaml configures the shipped connectors")
        }
        try (String(yaml[..<start.lowerBound]) + "\n" + section + String(yaml[end.upperBound...])).write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// User + system CPU seconds of this process so far.
    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(u.ru_utime) + s(u.ru_stime)
    }

    static func writeJSON(_ value: Any, to path: String) throws {
        try JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: path))
    }
}
