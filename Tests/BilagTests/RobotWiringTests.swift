import BilagTestKit
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `bilag run` (and a reload) refuses a configuration the shipped robots cannot work with over `http`: a write-back
/// or its reversal with no action on its connector, a secret file or variable that is not there, a TLS file that
/// cannot be read. Before, the daemon started as healthy and each such invoice waited, its booking held, until the
/// case-system deadline — and a reversal could never be sent.
final class RobotWiringTests: XCTestCase {
    var servers: [CaseSystemServer] = []
    var folders: [String] = []
    override func tearDown() {
        servers.removeAll()
        for f in folders { try? FileManager.default.removeItem(atPath: f) }
    }

    /// A root with the shipped robots and `bilag.yaml`, its connectors the test case system's `http` mapping.
    func root() throws -> (TemporaryRoot, String) {
        var cleanup: [String] = []
        let s = try CaseSystemServer.onShippedCaseData(cleanup: &cleanup)
        servers.append(s)
        folders += cleanup
        let root = try TemporaryRoot()
        let shipped = try ShippedRobots.repositoryCopy()
        folders.append(shipped)
        try FileManager.default.copyItem(atPath: shipped + "/Robots", toPath: root.path + "/Robots")
        try FileManager.default.copyItem(atPath: shipped + "/casedata", toPath: root.path + "/casedata")
        var yaml = try String(contentsOfFile: shipped + "/bilag.yaml", encoding: .utf8)
        let start = try XCTUnwrap(yaml.range(of: "\nconnectors:\n")), end = try XCTUnwrap(yaml.range(of: "\n# Global stop rules", range: start.upperBound..<yaml.endIndex))
        yaml.replaceSubrange(start.lowerBound..<end.lowerBound, with: "\n" + s.connectorsYAML())
        return (root, yaml)
    }

    func testRunRefusesARobotWriteBackWithNoActionAndUnreadableSecretsOrTLSFiles() throws {
        let (root, yaml) = try root()
        try root.writeConfig(yaml)
        let fine = try root.bilag(["run", "--once"])
        XCTAssertEqual(fine.exitCode, 0, "\(fine)")

        let benefits = try XCTUnwrap(yaml.range(of: "  benefits:\n"))
        func variant(_ edit: (inout String) throws -> Void) rethrows -> String { var y = yaml; try edit(&y); return y }
        let cases: [(String, String, [String])] = [
            ("reversal action missing", variant { $0 = $0.replacingOccurrences(of: "reinstate-benefit:", with: "reinstate-benefit-old:") },
             ["no action 'reinstate-benefit'", "rent-payments.robot.yaml:"]),
            ("write-back action missing", variant { $0 = $0.replacingOccurrences(of: "mark-order-invoiced:", with: "mark-invoiced:") },
             ["no action 'mark-order-invoiced'", "medical-certificates.robot.yaml:"]),
            ("token file missing", variant { $0.insert(contentsOf: "    auth: { bearer_token_file: secrets/benefits.token }\n", at: $0.index(benefits.upperBound, offsetBy: 0)) },
             ["connectors.benefits.auth", "benefits.token"]),
            ("password variable unset", variant { $0.insert(contentsOf: "    auth: { basic_user: bilag, basic_password_env: BILAG_TEST_UNSET_PASSWORD }\n", at: $0.index(benefits.upperBound, offsetBy: 0)) },
             ["connectors.benefits.auth", "BILAG_TEST_UNSET_PASSWORD"]),
            ("CA bundle missing", variant { $0.insert(contentsOf: "    tls: { ca_bundle: tls/missing-ca.pem }\n", at: $0.index(benefits.upperBound, offsetBy: 0)) },
             ["connectors.benefits.tls.ca_bundle", "missing-ca.pem"]),
        ]
        for (what, config, says) in cases {
            try root.writeConfig(config)
            let run = try root.bilag(["run", "--once"])
            XCTAssertEqual(run.exitCode, 3, "\(what): \(run)")
            for s in says { XCTAssertTrue(run.stderr.contains(s), "\(what): \(s) not said: \(run.stderr.suffix(1500))") }
        }
        // The token once there, the run goes.
        try FileManager.default.createDirectory(atPath: root.path + "/secrets", withIntermediateDirectories: true)
        try "t0ken\n".write(toFile: root.path + "/secrets/benefits.token", atomically: true, encoding: .utf8)
        try root.writeConfig(cases[2].1)
        XCTAssertEqual(try root.bilag(["run", "--once"]).exitCode, 0)
    }

    func testAReloadThatWouldLeaveAWriteBackWithoutItsActionIsRefused() throws {
        let (root, yaml) = try root()
        try root.writeConfig(yaml)
        let sock = try ServiceTests.NotifySocket()
        let daemon = try root.start(["run"], environment: ["NOTIFY_SOCKET": sock.path])
        defer { daemon.kill() }
        XCTAssertTrue(sock.receive(timeout: 30) { $0.contains { $0.hasPrefix("READY=1") } }.contains { $0.hasPrefix("READY=1") })
        try root.writeConfig(yaml.replacingOccurrences(of: "reinstate-benefit:", with: "reinstate:"))
        daemon.send(SIGHUP)
        XCTAssertTrue(poll(timeout: 20) { daemon.stderrText().contains("reload failed") }, daemon.stderrText().suffix(2000).description)
        let line = try XCTUnwrap(daemon.stderrText().split(separator: "\n").first { $0.contains("reload failed") })
        XCTAssertTrue(line.contains("no action 'reinstate-benefit'"), "\(line)")
        XCTAssertFalse(daemon.stderrText().contains("reloaded configuration and robots"))
        XCTAssertTrue(daemon.isRunning)
    }
}
