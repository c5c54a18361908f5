import BilagTestKit
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// SIGHUP as an operator uses it: a broken configuration is logged with its real reason, a refused robot file is
/// logged once per change, and settings a reload cannot apply are named in one warning.
final class ReloadTests: XCTestCase {
    /// The daemon's log events (one JSON object a line) whose event text contains `text`.
    func events(_ daemon: BilagProcess, _ text: String) -> [[String: Any]] {
        daemon.stderrText().split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
            .filter { ($0["event"] as? String ?? "").contains(text) }
    }

    func reload(_ daemon: BilagProcess, _ sock: ServiceTests.NotifySocket) {
        daemon.send(SIGHUP)
        _ = sock.receive(timeout: 20) { $0.contains("RELOADING=1") && $0.contains { $0.hasPrefix("READY=1") } }
    }

    func testReloadLogsTheRealReasonRefusedRobotsOnceAndSettingsThatNeedARestart() throws {
        let root = try TemporaryRoot()
        let good = "intake:\n  readiness: rename\n  poll_interval_ms: 20\n"
        try root.writeConfig(good)
        try FileManager.default.createDirectory(atPath: root.path + "/Robots", withIntermediateDirectories: true)
        let sock = try ServiceTests.NotifySocket()
        let daemon = try root.start(["run"], environment: ["NOTIFY_SOCKET": sock.path])
        defer { daemon.kill() }
        XCTAssertTrue(sock.receive(timeout: 30) { $0.contains { $0.hasPrefix("READY=1") } }.contains { $0.hasPrefix("READY=1") })

        // A typo in bilag.yaml: the reload fails with the loader's own words.
        try root.writeConfig(good + "journal:\n  max_lines_per_fil: 5\n")
        reload(daemon, sock)
        XCTAssertTrue(poll(timeout: 10) { !self.events(daemon, "reload failed").isEmpty })
        let failed = try XCTUnwrap(events(daemon, "reload failed").first)
        let said = failed.values.compactMap { $0 as? String }.joined(separator: " ")
        XCTAssertTrue(said.contains("max_lines_per_fil"), "the real reason: \(failed)")
        XCTAssertFalse(said.contains("ExitCode"), "\(failed)")

        // A log level that does not exist is an error like any other unknown value.
        try root.writeConfig(good + "log:\n  level: verbose\n")
        reload(daemon, sock)
        XCTAssertTrue(poll(timeout: 10) { self.events(daemon, "reload failed").count == 2 })
        XCTAssertTrue(events(daemon, "reload failed").last.map { "\($0)".contains("verbose") } ?? false)

        // A broken robot file: logged once, not on every pass; again once after it changes.
        try "robot: broken\nsteps: [".write(toFile: root.path + "/Robots/broken.robot.yaml", atomically: true, encoding: .utf8)
        XCTAssertTrue(poll(timeout: 10) { !self.events(daemon, "robot file refused").isEmpty })
        Thread.sleep(forTimeInterval: 1.0)   // some fifty passes at 20 ms
        XCTAssertEqual(events(daemon, "robot file refused").count, 1, daemon.stderrText().suffix(2000).description)
        try "robot: broken\nsteps: [ [".write(toFile: root.path + "/Robots/broken.robot.yaml", atomically: true, encoding: .utf8)
        XCTAssertTrue(poll(timeout: 10) { self.events(daemon, "robot file refused").count == 2 })
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertEqual(events(daemon, "robot file refused").count, 2)

        // Settings a reload cannot apply: one warning naming each.
        try root.writeConfig(good + "workers: 3\nworkers_nice: 7\njournal:\n  max_lines_per_file: 5\nlog:\n  level: debug\n")
        reload(daemon, sock)
        XCTAssertTrue(poll(timeout: 10) { !self.events(daemon, "need a restart").isEmpty })
        let warnings = events(daemon, "need a restart")
        XCTAssertEqual(warnings.count, 1, "\(warnings)")
        let named = warnings.first.map { "\($0)" } ?? ""
        for setting in ["workers", "workers_nice", "journal.max_lines_per_file", "log.level"] { XCTAssertTrue(named.contains(setting), "\(setting) not named: \(named)") }
        XCTAssertTrue(daemon.isRunning)
    }
}
