import BilagCore
import BilagBench
import BilagEngine
import BilagRobots
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// The shipped robots, unchanged, against a case system over HTTP whose API was designed by someone else.
final class HTTPRobotTests: XCTestCase {
    typealias S = RobotScenarioTests

    /// A month touching every branch of the two robots that ask case systems, and plan invoices.
    static var month: [(String, ScenarioInvoice)] {
        S.medicalMonth + S.rentMonth + [
            ("m-other-clinic", S.med("M12", cvr: "12345615", note: "CPR 120578-1122", amount: "405.00")),
            ("p-power", S.plan("EF-1", cvr: "12345666", ean: "5798000000117", amount: "8200.00", note: "Målepunkt 571313104400123456")),
            ("p-no-plan", S.plan("RG-1", cvr: "12345682", ean: "5798000000209", amount: "3600.00")),
        ]
    }
    /// The same orders again after the first month's write-backs: the case system now says "invoiced".
    static var again: [(String, ScenarioInvoice)] { [
        ("m-again", S.med("M11", note: "CPR 010190-1234", amount: "405.00")),
        ("m-second-order", S.med("M13", note: "CPR 120578-1122", amount: "520.00")),
    ] }

    var cleanup: [String] = []
    override func tearDown() { for f in cleanup { try? FileManager.default.removeItem(atPath: f) } }

    func server(certificates: TestCertificates? = nil) throws -> CaseSystemServer {
        try CaseSystemServer.onShippedCaseData(certificates: certificates, cleanup: &cleanup)
    }

    func outcomes(_ w: RobotWorld) throws -> [String: String] {
        try XCTUnwrap(try w.run(Self.month)).merging(try w.run(Self.again)) { a, _ in a }.mapValues { "\($0.state.rawValue) \($0.reason ?? "-")" }
    }

    func testShippedRobotsDecideTheSameAgainstFilesAndHTTP() throws {
        let files = try RobotWorld()
        let s = try server()
        let http = try RobotWorld(connectors: s.connectorsYAML())
        for w in [files, http] { try w.addPlans(S.demoPlans) }
        let viaFiles = try outcomes(files)
        let viaHTTP = try outcomes(http)
        XCTAssertEqual(viaFiles.count, Self.month.count + Self.again.count)
        XCTAssertEqual(viaHTTP, viaFiles)
        XCTAssertEqual(viaHTTP["m-booked"], "booked -")
        XCTAssertEqual(viaHTTP["m-again"], "manual order-not-open", "the write-back reached the case system")
        XCTAssertEqual(viaHTTP["r-stopped"], "manual case-stopped")
        // Every booking's write-back was applied once, with its idempotency key.
        XCTAssertEqual(try http.store.pendingCaseUpdates(limit: 100).count, 0)
        let booked = viaHTTP.filter { $0.key.hasPrefix("m-") && $0.value == "booked -" }.count
        XCTAssertGreaterThanOrEqual(booked, 1)
        XCTAssertEqual(s.applied.count, booked)
        XCTAssertTrue(s.applied.values.allSatisfy { $0 == 1 })
    }

    func testMissingFieldIsCaseDataInvalidNamingConnectorQueryAndField() throws {
        let s = try server()
        let w = try RobotWorld(connectors: s.connectorsYAML())
        try s.faults(["missing:certificate"])
        let got = try w.run([("m-booked", S.med("M1", note: "CPR 010190-1234", amount: "405.00"))])
        XCTAssertEqual(got["m-booked"]?.reason, "case-data-invalid")
        let message = try XCTUnwrap(try w.record("m-booked").reasonMessage)
        XCTAssertTrue(message.contains("health") && message.contains("orders") && message.contains("certificate_type"), message)
    }

    func testAWaitingInvoiceGoesToCaseSystemUnavailableAtTheDeadline() throws {
        let s = try server()
        let dead = try HTTPConnectorTests.closedPort()
        let w = try RobotWorld(connectors: s.connectorsYAML().replacingOccurrences(of: ":\(s.port)/", with: ":\(dead)/"))
        let got = try w.run([("m-booked", S.med("M1", note: "CPR 010190-1234", amount: "405.00"))])
        XCTAssertEqual(got["m-booked"]?.state, .received)
        XCTAssertEqual(got["m-booked"]?.reason, "waiting-for-health")
        let waiting = try w.record("m-booked")
        XCTAssertTrue(waiting.reasonMessage?.contains("waiting for case system health since") == true, waiting.reasonMessage ?? "")
        XCTAssertTrue(waiting.reasonMessage?.contains("last error") == true, waiting.reasonMessage ?? "")
        // `bilag status` names it: the connector, since when, the next try and the last error (as `queue show`).
        let bin = try BilagBinary.locate()
        let status = try bin.run(["status", "--root", w.root], logDirectory: w.root)
        XCTAssertTrue(status.succeeded, status.description)
        XCTAssertTrue(status.stdout.contains("lookups waiting for a case system: 1 invoice(s)"), status.stdout)
        XCTAssertTrue(status.stdout.contains("invoice \(waiting.id): waiting for case system health since"), status.stdout)
        XCTAssertTrue(status.stdout.contains("last error") && status.stdout.contains("next try"), status.stdout)
        XCTAssertFalse(status.stdout.contains("0101901234") || status.stdout.contains("010190-1234"), status.stdout)
        let json = try bin.run(["status", "--json", "--root", w.root], logDirectory: w.root).jsonObject()
        let waits = try XCTUnwrap((json["lookups_waiting"] as? [String: Any])?["invoices"] as? [[String: Any]], "\(json)")
        XCTAssertEqual(waits.first?["invoice"] as? String, waiting.id)
        XCTAssertEqual(waits.first?["connector"] as? String, "health")
        XCTAssertNotNil(waits.first?["since"] as? String)
        XCTAssertNotNil(waits.first?["next_try"] as? String)
        // A day later (the configured deadline is 24 hours) the next try gives up.
        let later = Date().addingTimeInterval(25 * 3600)
        w.pipeline.retryPolicy.now = { later }
        try w.pipeline.finish(try w.store.unfinished(now: Timestamp.string(later)))
        let after = try w.record("m-booked")
        XCTAssertEqual(after.state, .manual)
        XCTAssertEqual(after.reasonCode, "case-system-unavailable")
    }

    func testAWriteBackWhoseAnswerWasLostIsAppliedOnce() throws {
        let s = try server()
        let w = try RobotWorld(connectors: s.connectorsYAML())
        try s.faults(["pass", "drop"])   // the lookup answers; the write is applied but its answer lost
        let got = try w.run([("m-booked", S.med("M1", note: "CPR 010190-1234", amount: "405.00"))])
        XCTAssertEqual(got["m-booked"]?.state, .booked)
        // The run's next pass sent it again with the same key; the case system answered "already done".
        XCTAssertEqual(try w.store.pendingCaseUpdates(limit: 10).count, 0)
        XCTAssertEqual(s.stats["writes"] as? Int, 2, "sent twice, with one key")
        w.pipeline.decider.batchCommitted()
        XCTAssertEqual(s.stats["writes"] as? Int, 2, "a sent update is not sent again")
        XCTAssertEqual(Array(s.applied.values), [1], "applied exactly once")
    }

    /// Write-backs of different invoices go side by side, not one round trip after another: the case system has
    /// several open at once (each answered 0.3 s after it is applied), and each is applied exactly once.
    func testWriteBacksOfDifferentInvoicesAreSentSideBySide() throws {
        let s = try server()
        let w = try RobotWorld(connectors: s.connectorsYAML())
        try s.delay(0, afterWrite: 0.3)
        // Four citizens' open orders: four bookings, each marking its order invoiced.
        let got = try w.run([("a", S.med("W1", note: "CPR 010190-1234", amount: "405.00")), ("b", S.med("W2", note: "CPR 120578-1122", amount: "1200.00")),
                             ("c", S.med("W3", cvr: "12345615", note: "CPR 230285-4433", amount: "2900.00")), ("d", S.med("W4", note: "CPR 090909-9999", amount: "405.00"))])
        XCTAssertEqual(got.values.filter { $0.state == .booked }.count, 4, "\(got)")
        XCTAssertEqual(try w.store.pendingCaseUpdates(limit: 100).count, 0)
        XCTAssertGreaterThan(s.stats["peak_writes_in_flight"] as? Int ?? 0, 1, "the write-backs went one after another")
        XCTAssertFalse(s.applied.isEmpty)
        XCTAssertTrue(s.applied.values.allSatisfy { $0 == 1 }, "\(s.applied)")
    }

    /// The daemon is killed with -9 while write-backs are in flight — each time just after the case system applied
    /// one and before its answer arrived —, and restarted; after a last run every invoice is decided, no update is
    /// pending, the write-backs were sent again with the same keys, and the case system applied each exactly once.
    func testKillNineWhileWriteBacksAreInFlightAppliesEachOnce() throws {
        let s = try server()
        let w = try RobotWorld(connectors: s.connectorsYAML())
        try w.addPlans(S.demoPlans)
        for (name, invoice) in Self.month + Self.again {
            try invoice.xml.write(toFile: w.root + "/Inbox/test/\(name).xml", atomically: true, encoding: .utf8)
        }
        try s.delay(0, afterWrite: 30)
        let bin = try BilagBinary.locate()
        var kills = 0
        for _ in 0..<3 {
            let writes = s.stats["writes"] as? Int ?? 0
            let daemon = try bin.start(["run", "--root", w.root], logDirectory: w.root, label: "daemon")
            let deadline = Date().addingTimeInterval(30)
            while (s.stats["writes"] as? Int ?? 0) == writes, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if (s.stats["writes"] as? Int ?? 0) > writes { kills += 1 }
            daemon.kill()
            XCTAssertNotNil(daemon.wait(timeout: 20))
        }
        XCTAssertEqual(kills, 3, "each round killed the daemon with a write-back in flight")
        try s.delay(0)
        let last = try bin.run(["run", "--once", "--root", w.root], logDirectory: w.root)
        XCTAssertTrue(last.succeeded, last.description)
        let records = try w.store.invoices(limit: 1000)
        XCTAssertEqual(records.count, Self.month.count + Self.again.count)
        XCTAssertFalse(records.contains { $0.state == .received }, "\(records.map { "\($0.sourcePath) \($0.state)" })")
        XCTAssertEqual(try w.store.pendingCaseUpdates(limit: 100).count, 0)
        let bookedMedical = records.filter { $0.state == .booked && ($0.sourcePath as NSString).lastPathComponent.hasPrefix("m-") }.count
        XCTAssertGreaterThanOrEqual(bookedMedical, 2)
        XCTAssertEqual(s.applied.count, bookedMedical, "\(s.applied)")
        XCTAssertTrue(s.applied.values.allSatisfy { $0 == 1 }, "applied once each: \(s.applied)")
        XCTAssertGreaterThan(s.stats["writes"] as? Int ?? 0, bookedMedical, "write-backs cut off by the kills were sent again")
    }

    func testStatusJSONShowsPerConnectorFigures() throws {
        let s = try server()
        let w = try RobotWorld(connectors: s.connectorsYAML())
        try S.med("M1", note: "CPR 010190-1234", amount: "405.00").xml.write(toFile: w.root + "/Inbox/test/m1.xml", atomically: true, encoding: .utf8)
        let bin = try BilagBinary.locate()
        let run = try bin.run(["run", "--once", "--root", w.root], logDirectory: w.root)
        XCTAssertTrue(run.succeeded, run.description)
        XCTAssertFalse(run.stderr.contains("0101901234"), run.stderr)
        let status = try bin.run(["status", "--json", "--root", w.root], logDirectory: w.root).jsonObject()
        let connectors = try XCTUnwrap(status["connectors"] as? [[String: Any]])
        let health = try XCTUnwrap(connectors.first { $0["connector"] as? String == "health" })
        XCTAssertEqual((health["requests"] as? [String: Int])?["ok"], 2, "\(health)")   // the lookup and the write-back
        XCTAssertEqual(health["breaker"] as? String, "closed")
        XCTAssertNotNil((health["latency_ms"] as? [String: Any])?["p50"] as? Double)
        XCTAssertEqual(health["in_flight"] as? Int, 0)
    }

    /// A reload (SIGHUP) builds the connectors anew, so a rotated token or a changed setting is read again, but their
    /// figures count on: `status --json` after the reload still shows the requests made before it (they started again
    /// from nothing, as if the case system had not been asked).
    func testAReloadKeepsTheConnectorsFigures() throws {
        let s = try server()
        let w = try RobotWorld(connectors: s.connectorsYAML())
        // The daemon says it is ready and has reloaded at level info.
        let yaml = try String(contentsOfFile: w.root + "/bilag.yaml", encoding: .utf8)
        try yaml.replacingOccurrences(of: "  level: critical", with: "  level: info").write(toFile: w.root + "/bilag.yaml", atomically: true, encoding: .utf8)
        let bin = try BilagBinary.locate()
        let daemon = try bin.start(["run", "--root", w.root], logDirectory: w.root, label: "daemon")
        defer { daemon.kill(); _ = daemon.wait(timeout: 20) }
        XCTAssertTrue(daemon.waitForStderr(containing: "bilag ready", timeout: 30), daemon.stderrText())
        func healthOK() throws -> Int? {
            let status = try bin.run(["status", "--json", "--root", w.root], logDirectory: w.root).jsonObject()
            let health = (status["connectors"] as? [[String: Any]])?.first { $0["connector"] as? String == "health" }
            return (health?["requests"] as? [String: Int])?["ok"]
        }
        func decided(_ name: String) throws -> Bool {
            try w.store.invoices(limit: 100).contains { $0.sourcePath.hasSuffix("/\(name).xml") && $0.state != .received }
        }
        try S.med("M1", note: "CPR 010190-1234", amount: "405.00").xml.write(toFile: w.root + "/Inbox/test/m1.xml", atomically: true, encoding: .utf8)
        XCTAssertTrue(try poll(timeout: 30, interval: 0.2) { try healthOK() == 2 }, "the lookup and the write-back: \(String(describing: try? healthOK()))")
        // Each HTTP connector's thread is named for the system (`top -H`): http-NAME.
        let names = daemon.threadNames()
        XCTAssertTrue(names.contains("http-health"), "thread names: \(names.sorted())")

        daemon.send(SIGHUP)
        XCTAssertTrue(daemon.waitForStderr(containing: "reloaded configuration and robots", timeout: 20), daemon.stderrText().suffix(2000).description)
        // An invoice after the reload that asks no case system: its batch writes the figures again.
        try S.plan("RG-1", cvr: "12345682", ean: "5798000000209", amount: "3600.00").xml.write(toFile: w.root + "/Inbox/test/p1.xml", atomically: true, encoding: .utf8)
        XCTAssertTrue(try poll(timeout: 30, interval: 0.2) { try decided("p1") })
        XCTAssertTrue(try poll(timeout: 5, interval: 0.2) { try healthOK() != nil })
        XCTAssertEqual(try healthOK(), 2, "the figures started again from nothing at the reload")
    }

    /// SIGTERM while an invoice waits on a slow case system: systemd hears STOPPING=1 at once, while the daemon still
    /// finishes the invoice in hand, not once it has (`systemctl status` said "running" all that while); and it still
    /// exits 0 with nothing lost.
    func testStoppingIsToldWhenTheStopBeginsNotWhenItEnds() throws {
        let s = try server()
        try s.delay(4, writes: false)
        let w = try RobotWorld(connectors: s.connectorsYAML())
        let sock = try ServiceTests.NotifySocket()
        let bin = try BilagBinary.locate()
        let daemon = try bin.start(["run", "--root", w.root], environment: ["NOTIFY_SOCKET": sock.path], logDirectory: w.root, label: "daemon")
        defer { daemon.kill(); _ = daemon.wait(timeout: 20) }
        XCTAssertTrue(sock.receive(timeout: 30) { $0.contains { $0.hasPrefix("READY=1") } }.contains { $0.hasPrefix("READY=1") }, daemon.stderrText())
        try S.med("M1", note: "CPR 010190-1234", amount: "405.00").xml.write(toFile: w.root + "/Inbox/test/m1.xml", atomically: true, encoding: .utf8)
        XCTAssertTrue(poll(timeout: 20, interval: 0.05) { (s.stats["lookups"] as? Int ?? 0) >= 1 }, "the lookup never reached the case system")

        daemon.terminate()
        let sent = Date()
        let stopping = sock.receive(timeout: 2) { $0.contains { $0.hasPrefix("STOPPING=1") } }
        XCTAssertTrue(stopping.contains { $0.hasPrefix("STOPPING=1") }, "no STOPPING=1 within 2 s of SIGTERM: \(stopping)")
        XCTAssertTrue(daemon.isRunning, "STOPPING=1 came only after the invoice in hand was finished (\(Date().timeIntervalSince(sent)) s)")
        let end = try XCTUnwrap(daemon.wait(timeout: 30), "the daemon did not stop on SIGTERM")
        XCTAssertEqual(end.exitCode, 0, end.description)
        XCTAssertEqual(try w.store.invoices(limit: 10).count, 1, "the invoice in hand was lost")
    }

    /// A case system that quotes the bearer token it refused ("token rejected: Bearer …") gets it into nothing an
    /// operator or a log sees: not the daemon's log lines, `bilag status` (text and `--json`), nor `queue show`.
    func testAnEchoedTokenNeverReachesLogsStatusOrTheQueue() throws {
        let s = try server()
        let tokenFile = NSTemporaryDirectory() + "bilag-token-" + UUID().uuidString
        cleanup.append(tokenFile)
        try "s3cr3t-TOKEN-abc123\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let w = try RobotWorld(connectors: s.connectorsYAML(extra: "    auth: { bearer_token_file: \(tokenFile) }\n"))
        try S.med("M1", note: "CPR 010190-1234", amount: "405.00").xml.write(toFile: w.root + "/Inbox/test/m1.xml", atomically: true, encoding: .utf8)
        try s.faults(["echo:401", "echo:401", "echo:401", "echo:401"])
        let bin = try BilagBinary.locate()
        let run = try bin.run(["run", "--once", "--root", w.root], environment: ["BILAG_LOG_LEVEL": "debug"], logDirectory: w.root)
        XCTAssertTrue(run.succeeded, run.description)
        let id = try XCTUnwrap(try w.store.invoices(limit: 10).first?.id)
        let outputs = [run.stdout, run.stderr,
                       try bin.run(["status", "--root", w.root], logDirectory: w.root).stdout,
                       try bin.run(["status", "--json", "--root", w.root], logDirectory: w.root).stdout,
                       try bin.run(["queue", "show", id, "--root", w.root], logDirectory: w.root).stdout,
                       try bin.run(["queue", "show", id, "--json", "--root", w.root], logDirectory: w.root).stdout]
        XCTAssertTrue(outputs[3].contains("token rejected: Bearer [secret]"), outputs[3])
        for o in outputs { XCTAssertFalse(o.contains("s3cr3t"), o) }
    }

    func testConnectorsCheckReportsAnswerLatencyPeerAndClientCertificate() throws {
        let certs = try TestCertificates()
        cleanup.append(certs.folder)
        let s = try server(certificates: certs)
        let tls = "    tls: { ca_bundle: \(certs.caCert), client_cert: \(certs.clientCert), client_key: \(certs.clientKey) }\n"
        let w = try RobotWorld(connectors: s.connectorsYAML(tlsYAML: tls).replacingOccurrences(of: "    queries:\n      orders:", with: "    health_path: /../../health\n    queries:\n      orders:"))
        let bin = try BilagBinary.locate()
        let check = try bin.run(["connectors", "check", "health", "--json", "--root", w.root], logDirectory: w.root)
        XCTAssertTrue(check.succeeded, check.description)
        let health = try XCTUnwrap(try check.json() as? [[String: Any]]).first ?? [:]
        XCTAssertEqual(health["answers"] as? Bool, true, "\(health)")
        XCTAssertNotNil(health["latency_ms"] as? Double)
        XCTAssertTrue((health["tls_peer"] as? String)?.contains("case-system.test") == true, "\(health)")
        XCTAssertNotNil(health["client_certificate_expires"] as? String)
        // A system that does not answer fails the check.
        let dead = try RobotWorld(connectors: s.connectorsYAML(tlsYAML: tls).replacingOccurrences(of: ":\(s.port)/", with: ":\(try HTTPConnectorTests.closedPort())/"))
        let down = try bin.run(["connectors", "check", "--root", dead.root], logDirectory: dead.root)
        XCTAssertFalse(down.succeeded)
        XCTAssertTrue(down.stdout.contains("DOWN  health"), down.description)
        // An answer is not enough: a redirect (never followed), refused credentials, or no health path there is no
        // system bilag can use; each says what to check.
        for (fault, says) in [("html:302", "redirect to https://elsewhere.example/api/v3/"), ("html:401", "refuses bilag's credentials"), ("html:403", "refuses bilag's credentials"), ("html:404", "check base_url and health_path")] {
            try s.faults([fault])
            let o = try bin.run(["connectors", "check", "health", "--root", w.root], logDirectory: w.root)
            XCTAssertFalse(o.succeeded, "\(fault): \(o)")
            XCTAssertTrue(o.stdout.contains(says), "\(fault): \(o.description)")
        }
        XCTAssertTrue(try bin.run(["connectors", "check", "health", "--root", w.root], logDirectory: w.root).succeeded)
    }
}
