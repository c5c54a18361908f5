import BilagCore
import BilagEngine
import BilagRobotLanguage
import BilagRobots
import BilagTestKit
import Foundation
import XCTest

/// The `http` connector against a real server on 127.0.0.1 whose API is shaped unlike bilag's `files` data.
final class HTTPConnectorTests: XCTestCase {
    var folders: [String] = []
    /// Kept for the test's length: a server ends when its object does.
    var servers: [CaseSystemServer] = []
    override func tearDown() {
        servers.removeAll()   // XCTest keeps test-case objects to the end of the run: stop the servers now
        for f in folders { try? FileManager.default.removeItem(atPath: f) }
    }

    func caseData() throws -> String {
        let folder = NSTemporaryDirectory() + "bilag-casedata-" + UUID().uuidString
        try ShippedRobots.copyCaseData(into: folder)
        folders.append(folder)
        return folder
    }

    /// The connectors a `bilag.yaml` with `yaml` as its connectors section builds.
    func connectors(_ yaml: String, environment: [String: String] = [:]) throws -> [String: Connector] {
        let root = NSTemporaryDirectory() + "bilag-http-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        folders.append(root)
        try yaml.write(toFile: root + "/bilag.yaml", atomically: true, encoding: .utf8)
        let config = try ConfigLoader.load(root: root, environment: [:])
        return ConnectorConfig.build(config.connectors, root: root, environment: environment)
    }

    func server() throws -> (CaseSystemServer, [String: Connector]) {
        let s = try CaseSystemServer(data: try caseData())
        servers.append(s)
        return (s, try connectors(s.connectorsYAML()))
    }

    let order: [String: Value] = ["cpr": .string("0101901234"), "clinic_cvr": .string("12345607")]

    func unavailable(_ body: () throws -> Any, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try body()
            XCTFail("expected a system failure", file: file, line: line)
        } catch let ConnectorError.unavailable(_, message) {
            return message
        } catch {
            XCTFail("expected a system failure, got \(error)", file: file, line: line)
        }
        return ""
    }

    func testAnswersAreMappedByPointerAndType() throws {
        let (_, c) = try server()
        let orders = try XCTUnwrap(c["health"]).lookup(query: "orders", params: order)
        XCTAssertEqual(orders.count, 1)
        XCTAssertEqual(orders[0]["id"], .string("ORD-2026-0101"))
        XCTAssertEqual(orders[0]["certificate_type"], .string("LÆ 125"))
        XCTAssertEqual(orders[0]["case_id"], .string("SAG-4711"))
        XCTAssertEqual(orders[0]["ordered_at"], .string("2026-10-02"))
        let cases = try XCTUnwrap(c["benefits"]).lookup(query: "rent-cases", params: ["cpr": .string("1503824455"), "tenancy_id": .string("L-2201-3")])
        XCTAssertEqual(cases.first?["case_id"], .string("YD-9001"))
        XCTAssertEqual(cases.first?["rent_administered"], .bool(true))
        XCTAssertEqual(cases.first?["housing_cvr"], .string("12345623"))
    }

    /// An API with its own spellings, as an outside integrator's was: an upper-case status (mapped with `values:`) and
    /// a timestamp for a date. Before, each sent the invoice to manual (`OPEN` read as "the order is OPEN, not open",
    /// a business deviation). (The bool read from a text, and what a text that is no date says: `AnswerMappingTests`.)
    func testAnAPIsOwnSpellingsAreMappedOntoTheRobotsValues() throws {
        let data = try caseData()
        let orders = data + "/health/orders.json"
        try String(contentsOfFile: orders, encoding: .utf8).replacingOccurrences(of: "\"status\": \"open\"", with: "\"status\": \"OPEN\"")
            .replacingOccurrences(of: "\"ordered_at\": \"2026-10-02\"", with: "\"ordered_at\": \"2026-10-02T08:00:00+02:00\"").write(toFile: orders, atomically: true, encoding: .utf8)
        let s = try CaseSystemServer(data: data)
        servers.append(s)
        let mapped = s.connectorsYAML().replacingOccurrences(of: "status: { pointer: /state }", with: "status: { pointer: /state, values: { OPEN: open, CLOSED: closed } }")
        XCTAssertNotEqual(mapped, s.connectorsYAML())
        let found = try XCTUnwrap(try connectors(mapped)["health"]).lookup(query: "orders", params: order)
        XCTAssertEqual(found.first?["status"], .string("open"))
        XCTAssertEqual(found.first?["ordered_at"], .string("2026-10-02"))
        let unmapped = try XCTUnwrap(try connectors(s.connectorsYAML())["health"]).lookup(query: "orders", params: order)
        XCTAssertEqual(unmapped.first?["status"], .string("OPEN"), "without values: as the API spells it")
        // `values:` is for texts only.
        XCTAssertThrowsError(try connectors(mapped.replacingOccurrences(of: "rent_administered: { pointer: /huslejeAdministreret, type: bool }",
                                                                         with: "rent_administered: { pointer: /huslejeAdministreret, type: bool, values: { ja: \"true\" } }"))) {
            XCTAssertTrue("\($0)".contains("values maps texts"), "\($0)")
        }
    }

    func testNotFoundAndEmptyAreBusinessAnswers() throws {
        let (s, c) = try server()
        let health = try XCTUnwrap(c["health"])
        XCTAssertEqual(try health.lookup(query: "orders", params: ["cpr": .string("0102034455"), "clinic_cvr": .string("12345607")]).count, 0, "404: none")
        try s.faults(["empty"])
        XCTAssertEqual(try health.lookup(query: "orders", params: order).count, 0, "an empty list: none")
        XCTAssertEqual(health.stats?.requests["none"], 1)
        XCTAssertEqual(health.stats?.requests["ok"], 1)
        XCTAssertEqual(health.stats?.breaker, "closed")
    }

    func testServerErrorThenSuccess() throws {
        let (s, c) = try server()
        let health = try XCTUnwrap(c["health"])
        try s.faults(["500"])
        let message = unavailable { try health.lookup(query: "orders", params: order) }
        XCTAssertTrue(message.contains("HTTP 500"), message)
        XCTAssertEqual(try health.lookup(query: "orders", params: order).count, 1)
        XCTAssertEqual(health.stats?.requests["5xx"], 1)
    }

    func testRetryAfterOf503And429IsHonoured() throws {
        let (s, c) = try server()
        let health = try XCTUnwrap(c["health"])
        for fault in ["503:2", "429:2"] {
            try s.faults([fault])
            let message = unavailable { try health.lookup(query: "orders", params: order) }
            XCTAssertTrue(message.contains("retry after 2 s"), message)
            let notBefore = try XCTUnwrap(health.notBefore)
            XCTAssertEqual(notBefore.timeIntervalSinceNow, 2, accuracy: 0.5)
            let before = s.requests
            let held = unavailable { try health.lookup(query: "orders", params: order) }
            XCTAssertTrue(held.contains("asked not to be called before"), held)
            XCTAssertEqual(s.requests, before, "nothing sent before Retry-After")
            Thread.sleep(forTimeInterval: 2.1)
            XCTAssertEqual(try health.lookup(query: "orders", params: order).count, 1)
        }
        XCTAssertEqual(health.stats?.requests["429"], 1)
        XCTAssertEqual(health.stats?.requests["5xx"], 1)
    }

    func testHangPastTheTimeout() throws {
        let s = try CaseSystemServer(data: try caseData())
        let c = try connectors(s.connectorsYAML().replacingOccurrences(of: "timeout_ms: 3000", with: "timeout_ms: 500"))
        try s.faults(["hang:5"])
        let t0 = Date()
        let message = unavailable { try c["health"]!.lookup(query: "orders", params: order) }
        XCTAssertLessThan(Date().timeIntervalSince(t0), 3)
        XCTAssertTrue(message.contains("timeout"), message)
        XCTAssertEqual(c["health"]?.stats?.requests["timeout"], 1)
    }

    func testConnectionRefused() throws {
        let (s, _) = try server()
        let yaml = s.connectorsYAML().replacingOccurrences(of: ":\(s.port)/", with: ":\(try Self.closedPort())/")
        let c = try connectors(yaml)
        let message = unavailable { try c["health"]!.lookup(query: "orders", params: order) }
        XCTAssertTrue(message.contains("connect"), message)
        XCTAssertEqual(c["health"]?.stats?.requests["connect"], 1)
    }

    func testResetMidAnswerAndTruncatedJSONAreSystemFailures() throws {
        let (s, c) = try server()
        let health = try XCTUnwrap(c["health"])
        try s.faults(["reset", "truncate"])
        _ = unavailable { try health.lookup(query: "orders", params: order) }
        let truncated = unavailable { try health.lookup(query: "orders", params: order) }
        XCTAssertTrue(truncated.contains("not JSON"), truncated)
        XCTAssertEqual(health.stats?.requests["unreadable"], 1)
        XCTAssertEqual(health.stats?.requests["reset"], 1, "\(String(describing: health.stats))")
    }

    func testMissingOrWrongTypedFieldNamesConnectorQueryAndField() throws {
        let (s, c) = try server()
        let health = try XCTUnwrap(c["health"])
        try s.faults(["missing:state", "wrong:referralNo"])
        for field in ["status", "id"] {
            do {
                _ = try health.lookup(query: "orders", params: order)
                XCTFail("a bad field must not pass")
            } catch let ConnectorError.invalidData(connector, query, f, message) {
                XCTAssertEqual([connector, query, f], ["health", "orders", field], message)
            }
        }
    }

    func testCPRIsMaskedInMessagesAndSecretsNeverAppear() throws {
        let (s, _) = try server()
        let yaml = s.connectorsYAML(extra: "    auth: { bearer_token_env: HEALTH_TOKEN }\n")
        let c = try connectors(yaml, environment: ["HEALTH_TOKEN": "s3cret-token-value"])
        try s.faults(["500"])
        let message = unavailable { try c["health"]!.lookup(query: "orders", params: order) }
        XCTAssertFalse(message.contains("0101901234"), message)
        XCTAssertTrue(message.contains("/citizens/010190-"), message)
        let stats = try String(decoding: JSONEncoder().encode(c["health"]!.stats!), as: UTF8.self)
        XCTAssertFalse(stats.contains("s3cret") || stats.contains("0101901234"), stats)
        // Without the variable every request is a system failure naming where the secret was looked for.
        let missing = try connectors(yaml)
        let why = unavailable { try missing["health"]!.lookup(query: "orders", params: order) }
        XCTAssertTrue(why.contains("HEALTH_TOKEN"), why)
    }

    func testPlainHTTPIsRefusedUnlessInsecureAndSecretsStayOutOfTheFile() throws {
        let plain = "connectors:\n  h:\n    kind: http\n    base_url: http://127.0.0.1:1/x\n"
        XCTAssertThrowsError(try connectors(plain)) { XCTAssertTrue("\($0)".contains("insecure: true"), "\($0)") }
        XCTAssertNoThrow(try connectors(plain + "    insecure: true\n"))
        for secret in ["Authorization: Bearer abc", "proxy-authorization: Basic YTpi", "COOKIE: s=1"] {
            let header = "connectors:\n  h:\n    kind: http\n    base_url: https://127.0.0.1:1/x\n    headers: { \(secret) }\n"
            XCTAssertThrowsError(try connectors(header), secret) { XCTAssertTrue("\($0)".contains("auth:"), "\($0)") }
        }
    }

    /// A pointer with a `~` that escapes nothing (`~2`, a trailing `~`) is refused when the configuration loads, not
    /// read as a key that never matches.
    func testAPointerWithABadEscapeIsRefusedAtLoad() throws {
        XCTAssertTrue(JSONPointer.isValid("/a~0b/c~1d/0"))
        for bad in ["/a~2b", "/a~", "a/b"] { XCTAssertFalse(JSONPointer.isValid(bad), bad) }
        let (s, _) = try server()
        XCTAssertThrowsError(try connectors(s.connectorsYAML().replacingOccurrences(of: "results: /data/referrals", with: "results: /data/refer~2rals"))) {
            XCTAssertTrue("\($0)".contains("not a JSON pointer"), "\($0)")
        }
    }

    /// An action's idempotency header must be a header name: an empty one (before: accepted) sent write-backs with no
    /// key at all, so a resend after a lost answer could be applied twice. The same for a reversal's header, one equal
    /// to the idempotency header, and an extra header's name.
    func testAnEmptyOrMalformedIdempotencyHeaderIsRefusedAtLoad() throws {
        let (s, _) = try server()
        let yaml = s.connectorsYAML()
        func indent(of text: String) throws -> String {
            String(try XCTUnwrap(yaml.split(separator: "\n").first { $0.contains(text) }).prefix { $0 == " " })
        }
        let header = "idempotency_header: X-Request-Id", at = try indent(of: header)
        let first = try XCTUnwrap(yaml.range(of: header))
        for (bad, says) in [("idempotency_header: \"\"", "not an HTTP header name"), ("idempotency_header: \"X Request\"", "not an HTTP header name"),
                            ("compensates_header: \"\"\n\(at)\(header)", "not an HTTP header name"),
                            ("compensates_header: x-request-id\n\(at)\(header)", "same header")] {
            let broken = yaml.replacingCharacters(in: first, with: bad)
            XCTAssertThrowsError(try connectors(broken), bad) { XCTAssertTrue("\($0)".contains(says), "\(bad): \($0)") }
        }
        let timeout = "timeout_ms: 3000", t = try XCTUnwrap(yaml.range(of: timeout))
        XCTAssertThrowsError(try connectors(yaml.replacingCharacters(in: t, with: "headers: { \"X Bad\": a }\n\(try indent(of: timeout))\(timeout)"))) {
            XCTAssertTrue("\($0)".contains("not an HTTP header name"), "\($0)")
        }
    }

    func testBreakerOpensAndClosesAgain() throws {
        let s = try CaseSystemServer(data: try caseData())
        let c = try connectors(s.connectorsYAML().replacingOccurrences(of: "breaker: { failures: 1000, open_seconds: 0 }", with: "breaker: { failures: 2, open_seconds: 1 }"))
        let health = try XCTUnwrap(c["health"])
        try s.faults(["500", "500", "500"])
        _ = unavailable { try health.lookup(query: "orders", params: order) }
        _ = unavailable { try health.lookup(query: "orders", params: order) }
        XCTAssertEqual(health.stats?.breaker, "open")
        let sent = s.requests
        let refused = unavailable { try health.lookup(query: "orders", params: order) }
        XCTAssertTrue(refused.contains("circuit breaker open"), refused)
        XCTAssertEqual(s.requests, sent, "an open breaker sends nothing")
        Thread.sleep(forTimeInterval: 1.1)
        _ = unavailable { try health.lookup(query: "orders", params: order) }   // the probe meets the third 500
        XCTAssertEqual(health.stats?.breaker, "open")
        Thread.sleep(forTimeInterval: 1.1)
        XCTAssertEqual(try health.lookup(query: "orders", params: order).count, 1, "a probe that succeeds closes it")
        XCTAssertEqual(health.stats?.breaker, "closed")
        XCTAssertEqual(health.stats?.requests["breaker-open"], 1)
    }

    func testMutualTLS() throws {
        let certs = try TestCertificates()
        folders.append(certs.folder)
        let s = try CaseSystemServer(data: try caseData(), certificates: certs, requireClient: true)
        let withCert = "    tls: { ca_bundle: \(certs.caCert), client_cert: \(certs.clientCert), client_key: \(certs.clientKey) }\n"
        let c = try connectors(s.connectorsYAML(tlsYAML: withCert))
        XCTAssertEqual(try c["health"]!.lookup(query: "orders", params: order).count, 1)
        let served = s.requests
        // Without a client certificate the server refuses the handshake (with TLS 1.3 the refusal comes as the
        // connection closing after it, which libcurl reports as a failed read): a system failure, nothing served.
        let without = try connectors(s.connectorsYAML(tlsYAML: "    tls: { ca_bundle: \(certs.caCert) }\n"))
        _ = unavailable { try without["health"]!.lookup(query: "orders", params: order) }
        XCTAssertEqual(s.requests, served, "a client without a certificate is not served")
        // Without the CA the server is not trusted: verification is on.
        let untrusted = try connectors(s.connectorsYAML(tlsYAML: "    tls: { client_cert: \(certs.clientCert), client_key: \(certs.clientKey) }\n"))
        let message = unavailable { try untrusted["health"]!.lookup(query: "orders", params: order) }
        XCTAssertEqual(untrusted["health"]?.stats?.requests["tls"], 1, message)
    }

    /// A client certificate past its date: `connectors check` said only when it "expires" (a date in the past) and
    /// that the handshake reset; now the check fails and says it EXPIRED, and what to do.
    func testAnExpiredClientCertificateIsSaidToHaveExpired() throws {
        let certs = try TestCertificates()
        folders.append(certs.folder)
        let script = """
        set -e
        printf '[ca]\\ndefault_ca=d\\n[d]\\ndir=.\\ndatabase=index.txt\\nnew_certs_dir=.\\nserial=serial\\ndefault_md=sha256\\npolicy=p\\n[p]\\ncommonName=supplied\\n' > ca.cnf
        : > index.txt; echo 01 > serial
        openssl req -newkey rsa:2048 -nodes -keyout old.key -out old.csr -subj /CN=bilag-old 2>/dev/null
        openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in old.csr -out old.pem -startdate 20200101000000Z -enddate 20200201000000Z 2>/dev/null
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        p.currentDirectoryURL = URL(fileURLWithPath: certs.folder)
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "openssl ca")
        XCTAssertTrue(HTTPConnector.certificateExpired(certs.folder + "/old.pem"))
        XCTAssertFalse(HTTPConnector.certificateExpired(certs.clientCert))
        let s = try CaseSystemServer(data: try caseData(), certificates: certs)
        servers.append(s)
        let c = try connectors(s.connectorsYAML(tlsYAML: "    tls: { ca_bundle: \(certs.caCert), client_cert: \(certs.folder)/old.pem, client_key: \(certs.folder)/old.key }\n"))
        let check = try XCTUnwrap((c["health"] as? HTTPConnector)?.check())
        XCTAssertFalse(check.answers)
        XCTAssertTrue(check.detail.contains("EXPIRED on Feb  1 00:00:00 2020 GMT") && check.detail.contains("renew it"), check.detail)
        let fine = try connectors(s.connectorsYAML(tlsYAML: "    tls: { ca_bundle: \(certs.caCert), client_cert: \(certs.clientCert), client_key: \(certs.clientKey) }\n"))
        XCTAssertFalse(try XCTUnwrap((fine["health"] as? HTTPConnector)?.check()).detail.contains("EXPIRED"))
    }

    func testWriteBackIsIdempotentAndARefusalCarriesTheMessage() throws {
        let (s, c) = try server()
        let health = try XCTUnwrap(c["health"])
        let update = CaseUpdate(connector: "health", action: "mark-order-invoiced", params: ["order_id": .string("ORD-2026-0101"), "invoice_number": .string("M1"), "amount": .number(Amount(parsing: "405.00")!)], idempotencyKey: "key-1", invoiceID: "inv-1")
        try s.faults(["drop"])
        _ = unavailable { try health.send(update) }
        XCTAssertNoThrow(try health.send(update), "the retry with the same key is answered as already done")
        XCTAssertEqual(s.applied, ["key-1": 1])
        var cancelled = update
        cancelled.params["order_id"] = .string("ORD-2026-0104")
        cancelled.idempotencyKey = "key-2"
        XCTAssertThrowsError(try health.send(cancelled)) { e in
            guard case let ConnectorError.refused(_, action, status, message) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(action, "mark-order-invoiced"); XCTAssertEqual(status, 422)
            XCTAssertTrue(message.contains("cancelled"), message)
        }
    }

    /// A case system that took a write-back says so with a 2xx, whether or not `done` lists it: never a refusal (that
    /// left a deduction applied, unreversed, with the rent unpaid). Refused credentials, a timeout status or a
    /// redirect say nothing about the update: it waits and goes again under its key; only another 4xx refuses it.
    func testAnyTwoHundredAppliesAWriteBackAndCredentialsOrRedirectsWait() throws {
        let (s, c) = try server()
        let benefits = try XCTUnwrap(c["benefits"]), health = try XCTUnwrap(c["health"])
        func deduction(_ key: String) -> CaseUpdate {
            CaseUpdate(connector: "benefits", action: "deduct-rent-from-benefit", params: ["case_id": .string("YD-9001"), "tenancy_id": .string("L-2201-3"), "amount": .number(Amount(parsing: "6250.00")!),
                                                                                           "period": .string("2026-12"), "invoice_number": .string(key)], idempotencyKey: key, invoiceID: "inv-" + key)
        }
        try s.faults(["status:201"])   // `done: [200]` in its configuration
        XCTAssertNoThrow(try benefits.send(deduction("d-201")))
        try s.faults(["status:203"])
        XCTAssertNoThrow(try health.send(CaseUpdate(connector: "health", action: "mark-order-invoiced", params: ["order_id": .string("ORD-2026-0101"), "invoice_number": .string("M1"), "amount": .number(Amount(parsing: "405.00")!)], idempotencyKey: "h-203", invoiceID: "inv-h")))
        XCTAssertEqual(s.applied, ["d-201": 1, "h-203": 1])
        for status in ["401", "403", "408", "302"] {
            try s.faults(["html:" + status])
            let message = unavailable { try benefits.send(deduction("d-" + status)) }
            XCTAssertTrue(message.contains("HTTP \(status)"), message)
            if status == "302" { XCTAssertTrue(message.contains("redirect to https://elsewhere.example/api/v3/") && message.contains("base_url"), message) }
            XCTAssertNoThrow(try benefits.send(deduction("d-" + status)), "\(status): sent again under its key")
        }
        XCTAssertEqual(s.applied.count, 6, "each applied once: \(s.applied)")
        XCTAssertEqual(benefits.stats?.requests["refused"], nil)
    }

    /// A 200 (or a `done` status) carrying an HTML page — a single sign-on gateway's "session expired" login page — is
    /// not the case system's answer: before, it counted as done, so the landlord was paid and the benefit never
    /// reduced. It waits and goes again under its key; a plain-text or empty 2xx is still done.
    func testAnHTMLPageWithATwoHundredIsNotADoneWriteBack() throws {
        let (s, c) = try server()
        let benefits = try XCTUnwrap(c["benefits"])
        func deduction(_ key: String) -> CaseUpdate {
            CaseUpdate(connector: "benefits", action: "deduct-rent-from-benefit", params: ["case_id": .string("YD-9001"), "tenancy_id": .string("L-2201-3"), "amount": .number(Amount(parsing: "6250.00")!),
                                                                                           "period": .string("2026-12"), "invoice_number": .string(key)], idempotencyKey: key, invoiceID: "inv-" + key)
        }
        for status in ["200", "201"] {
            try s.faults(["html:" + status])
            let message = unavailable { try benefits.send(deduction("p-" + status)) }
            XCTAssertTrue(message.contains("HTTP \(status) with an HTML page (text/html)") && message.contains("idempotency key"), message)
            XCTAssertEqual(s.applied["p-" + status], nil, "the page applied nothing")
            XCTAssertNoThrow(try benefits.send(deduction("p-" + status)), "\(status): sent again under its key")
            XCTAssertEqual(s.applied["p-" + status], 1)
        }
        XCTAssertEqual(benefits.stats?.requests["refused"], nil)
    }

    /// A case system (or its gateway) that quotes bilag's credentials back — "token rejected: Bearer …" — never gets
    /// them into a message: not the lookup's wait, not the write-back's, not a refusal, not the breaker's last error.
    func testCredentialsACaseSystemEchoesAreTakenOutOfEveryMessage() throws {
        let s = try CaseSystemServer(data: try caseData())
        servers.append(s)
        let token = "s3cr3t-TOKEN/abc+123"
        let c = try connectors(s.connectorsYAML(extra: "    auth: { bearer_token_env: CS_TOKEN }\n"), environment: ["CS_TOKEN": token])
        let health = try XCTUnwrap(c["health"])
        let update = CaseUpdate(connector: "health", action: "mark-order-invoiced", params: ["order_id": .string("ORD-2026-0101"), "invoice_number": .string("M1"), "amount": .number(Amount(parsing: "405.00")!)], idempotencyKey: "key-e", invoiceID: "inv-e")
        var messages: [String] = []
        try s.faults(["echo:401"])
        messages.append(unavailable { try health.lookup(query: "orders", params: order) })
        try s.faults(["echo:503"])
        messages.append(unavailable { try health.send(update) })
        try s.faults(["echo:422"])
        XCTAssertThrowsError(try health.send(update)) { e in
            guard case let ConnectorError.refused(_, _, status, message) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(status, 422)
            messages.append(message)
        }
        messages.append(health.stats.map { "\($0)" } ?? "")
        for m in messages {
            XCTAssertFalse(m.contains("s3cr3t") || m.contains("s3cr3t-TOKEN%2Fabc"), m)
        }
        XCTAssertTrue(messages[0].contains("token rejected: Bearer [secret]"), messages[0])
        XCTAssertTrue(messages[2].contains("[secret]"), messages[2])
    }

    /// A write-back answered with a web server's or proxy's page for a route or method it does not have (a wrong
    /// base_url or action path) is a misconfiguration, not the case system refusing the update: it waits and goes
    /// again under its key (before, it withdrew the booking as `case-update-refused`). The API's own 404 (JSON) still
    /// refuses.
    func testAWebServersNotFoundPageOnAWriteBackWaitsInsteadOfRefusing() throws {
        let (s, c) = try server()
        let health = try XCTUnwrap(c["health"])
        func update(_ key: String, order: String = "ORD-2026-0101") -> CaseUpdate {
            CaseUpdate(connector: "health", action: "mark-order-invoiced", params: ["order_id": .string(order), "invoice_number": .string(key), "amount": .number(Amount(parsing: "405.00")!)], idempotencyKey: key, invoiceID: "inv-" + key)
        }
        for status in ["404", "405"] {
            try s.faults(["html:" + status])
            let message = unavailable { try health.send(update("w-" + status)) }
            XCTAssertTrue(message.contains("HTTP \(status) with a body that is not JSON (text/html)") && message.contains("check base_url"), message)
            XCTAssertNoThrow(try health.send(update("w-" + status)), "\(status): sent again under its key")
        }
        XCTAssertEqual(s.applied.count, 2, "\(s.applied)")
        try s.faults(["404"])
        XCTAssertThrowsError(try health.send(update("w-json"))) { e in
            guard case let ConnectorError.refused(_, _, status, _) = e else { return XCTFail("the API's own 404 refuses: \(e)") }
            XCTAssertEqual(status, 404)
        }
    }

    /// A write-back's number goes out as a JSON number, as the robot passed it — also once stored (the queued payload,
    /// and `updates.jsonl`, hold numbers as text) and read back, and in its reversal.
    func testWriteBackNumbersStayNumbersAfterTheUpdateWasStored() throws {
        let (s, c) = try server()
        let benefits = try XCTUnwrap(c["benefits"])
        var update = CaseUpdate(connector: "benefits", action: "deduct-rent-from-benefit", params: ["case_id": .string("YD-9001"), "tenancy_id": .string("L-2201-3"), "amount": .number(Amount(parsing: "6250.50")!),
                                                                                                  "period": .string("2026-12"), "invoice_number": .string("H-1")], idempotencyKey: "n-1", invoiceID: "inv-n")
        update.compensate = "reinstate-benefit"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let payload = String(decoding: try encoder.encode(update), as: UTF8.self)
        XCTAssertTrue(payload.contains(#""amount":"6250.50""#), "stored as text: \(payload)")
        let stored = try XCTUnwrap(CaseUpdate(payload: payload), payload)
        XCTAssertEqual(stored.params["amount"], .string("6250.50"))
        try benefits.send(stored)
        var reversal = try JSONDecoder().decode(CaseUpdate.self, from: Data(payload.utf8))
        reversal.action = "reinstate-benefit"; reversal.idempotencyKey = "n-1-c"; reversal.compensates = "n-1"; reversal.compensate = nil
        try benefits.send(reversal)
        let bodies = try XCTUnwrap(s.stats["bodies"] as? [[String: Any]])
        XCTAssertEqual(bodies.count, 2)
        for body in bodies {
            let amount = try XCTUnwrap(body["amount"] as? NSNumber, "a JSON number: \(body)")
            XCTAssertEqual(amount.decimalValue, Decimal(string: "6250.50"))
            XCTAssertEqual(body["period"] as? String, "2026-12", "a text stays a text")
        }
    }

    /// With `not_found_is_none`, the API's own 404 is "none"; a web server's or proxy's 404 page (a wrong base_url or
    /// route) is no answer about the record and must not send an invoice to manual as "no order".
    func testANotFoundPageThatIsNotTheAPIsIsASystemFailure() throws {
        let (s, c) = try server()
        let health = try XCTUnwrap(c["health"])
        try s.faults(["html:404"])
        let message = unavailable { try health.lookup(query: "orders", params: order) }
        XCTAssertTrue(message.contains("HTTP 404 with a body that is not JSON (text/html)") && message.contains("check base_url"), message)
        XCTAssertEqual(try health.lookup(query: "orders", params: ["cpr": .string("0102034455"), "clinic_cvr": .string("12345607")]).count, 0, "the API's own 404: none")
        XCTAssertEqual(try health.lookup(query: "orders", params: order).count, 1)
    }

    /// One libcurl thread keeps many lookups open at once, never more than `max_in_flight`.
    func testConcurrentLookupsShareOneThreadWithinMaxInFlight() async throws {
        let s = try CaseSystemServer(data: try caseData())
        servers.append(s)
        let c = try connectors(s.connectorsYAML())
        let health = try XCTUnwrap(c["health"] as? AsyncConnector)
        try s.delay(0.25)
        let t0 = Date()
        let order = self.order
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<32 { group.addTask { try await health.lookup(query: "orders", params: order).count } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        let elapsed = Date().timeIntervalSince(t0)
        XCTAssertEqual(counts, Array(repeating: 1, count: 32))
        // 32 lookups of 0.25 s each, 8 at a time: four rounds, about 1 s (one at a time would take 8 s).
        XCTAssertLessThan(elapsed, 3, "lookups ran one after another")
        XCTAssertEqual(health.stats?.peakInFlight, 8, "max_in_flight: 8 is used and never exceeded")
    }

    /// Connections are kept alive and reused across bursts, whatever the concurrency between them: a burst of
    /// `max_in_flight` lookups, then lookups one at a time, then another burst, are served on the connections the first
    /// burst opened (libcurl's cache, left to itself, keeps 4 per transfer open now and closes the rest one by one as
    /// lookups come singly, so every burst would connect again).
    func testConnectionsAreKeptAliveAcrossBurstsAndQuietSpells() async throws {
        let s = try CaseSystemServer(data: try caseData())
        servers.append(s)
        let c = try connectors(s.connectorsYAML(maxInFlight: 16))
        let health = try XCTUnwrap(c["health"] as? AsyncConnector)
        let order = self.order
        func burst() async throws {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<16 { group.addTask { try await health.lookup(query: "orders", params: order).count } }
                for try await n in group { XCTAssertEqual(n, 1) }
            }
        }
        try s.delay(0.2)
        try await burst()
        XCTAssertEqual(health.stats?.peakInFlight, 16)
        try s.delay(0)
        for _ in 0..<12 { _ = try await health.lookup(query: "orders", params: order) }
        try s.delay(0.2)
        try await burst()
        XCTAssertLessThanOrEqual(s.connections, 16 + 1, "each request in flight has a connection that is reused (the control client's own is the 1)")
        XCTAssertEqual(s.requests, 44)
    }

    /// A port nothing listens on.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
