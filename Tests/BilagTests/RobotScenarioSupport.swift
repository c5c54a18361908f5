import BilagCore
import BilagEngine
import BilagStore
import BilagBench
import BilagTestKit
import Foundation
import XCTest

/// A temporary bilag root with the shipped robots, tables, case data and configuration, run in-process.
final class RobotWorld {
    let root: String
    let clock: LocalDate
    private(set) var pipeline: Pipeline!
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// `repository` is where the shipped robots, case data and `bilag.yaml` are copied from; only the shipped robot
    /// files are taken, whatever else its `Robots/` holds.
    /// `connectors` replaces the `connectors:` section of the shipped `bilag.yaml` (for the `http` connector tests).
    init(today: String = "2026-11-20", extraConfig: String = "", connectors: String? = nil, robots: [String: String] = [:], shipRobots: Bool = true, repository: String = RobotWorld.repo) throws {
        root = NSTemporaryDirectory() + "bilag-robots-" + UUID().uuidString
        clock = LocalDate(parsing: today)!
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/Inbox/test", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/Robots", withIntermediateDirectories: true)
        if shipRobots { try ShippedRobots.copy(from: repository, into: root + "/Robots") }
        try ShippedRobots.copyCaseData(from: repository, into: root + "/casedata")
        for (name, text) in robots { try text.write(toFile: root + "/Robots/" + name, atomically: true, encoding: .utf8) }
        var yaml = try String(contentsOfFile: repository + "/bilag.yaml", encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "  channels:\n", with: "  channels:\n    test:\n      readiness: rename\n")
        yaml = yaml.replacingOccurrences(of: "  level: info", with: "  level: critical")
        if let connectors, let start = yaml.range(of: "\nconnectors:\n"), let end = yaml.range(of: "\n# Global stop rules", range: start.upperBound..<yaml.endIndex) {
            yaml.replaceSubrange(start.lowerBound..<end.lowerBound, with: "\n" + connectors)
        }
        try (yaml + "\n" + extraConfig).write(toFile: root + "/bilag.yaml", atomically: true, encoding: .utf8)
        try open()
    }

    func open() throws {
        let config = try ConfigLoader.load(root: root, environment: [:])
        let day = clock
        pipeline = try Pipeline.withRobots(config: config, clock: { day })
    }

    var store: Store { pipeline.store }

    func addPlans(_ csvRows: [String]) throws {
        let header = "id,name,kind,supplier_cvr,receiver_ean,min_amount,max_amount,cadence,order_number,invoice_prefix,identifier,account,dimensions,vat_code,valid_from,valid_to,note"
        for p in try PlanCSV.parse(([header] + csvRows).joined(separator: "\n"), by: "test") { try store.addPlan(p) }
    }

    /// Drops the invoices into the Inbox and runs the pipeline; returns each file's (state, reason).
    @discardableResult
    func run(_ invoices: [(String, ScenarioInvoice)]) throws -> [String: (state: InvoiceState, reason: String?)] {
        try leaveRobotsAlone()
        for (name, inv) in invoices { try inv.xml.write(toFile: root + "/Inbox/test/\(name).xml", atomically: true, encoding: .utf8) }
        _ = try pipeline.drain()
        var out: [String: (InvoiceState, String?)] = [:]
        for r in try store.invoices(limit: 100_000) {
            let name = ((r.sourcePath as NSString).lastPathComponent as NSString).deletingPathExtension
            out[name] = (r.state, r.reasonCode)
        }
        return out
    }

    /// Dates every file in `Robots/` ten seconds back: a robot or table edited by a test was saved a while before the
    /// next invoices (the daemon loads a change once the folder has settled: `RobotCatalog.settleSeconds`).
    func leaveRobotsAlone() throws {
        let then = Date().addingTimeInterval(-10)
        for rel in TemporaryRoot.files(under: root + "/Robots") {
            try FileManager.default.setAttributes([.modificationDate: then], ofItemAtPath: root + "/Robots/" + rel)
        }
    }

    func record(_ name: String) throws -> InvoiceRecord {
        try XCTUnwrap(try store.invoices(limit: 100_000).first { ($0.sourcePath as NSString).lastPathComponent == name + ".xml" })
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }
}

/// Asserts a table of expected outcomes, listing every mismatch.
func assertOutcomes(_ got: [String: (state: InvoiceState, reason: String?)], _ expected: [String: String], file: StaticString = #filePath, line: UInt = #line) {
    var wrong: [String] = []
    for (name, want) in expected.sorted(by: { $0.key < $1.key }) {
        guard let g = got[name] else { wrong.append("\(name): missing"); continue }
        let have = g.state == .booked ? "booked" : "\(g.state.rawValue):\(g.reason ?? "-")"
        let wanted = want == "booked" ? "booked" : (want.contains(":") ? want : "manual:\(want)")
        if have != wanted { wrong.append("\(name): expected \(wanted), got \(have)") }
    }
    XCTAssertTrue(wrong.isEmpty, wrong.joined(separator: "\n"), file: file, line: line)
}
