import BilagRobots
import BilagTestKit
import Foundation
import XCTest

/// The test case system (`Tests/CaseSystem/case_system_server.py`) on 127.0.0.1, started on a free port and
/// stopped with the test. Its API is not shaped like bilag's `files` data; `faults` makes its next answers misbehave.
final class CaseSystemServer {
    let process = Process()
    let port: Int
    let scheme: String
    /// The control client: plain requests to the server's `__` endpoints.
    let control: CurlMulti
    let tls: HTTPTLS

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("CaseSystem/case_system_server.py").path

    /// `data` is a `casedata/` folder; with `certificates`, HTTPS (and client certificates required when `requireClient`).
    init(data: String, certificates: TestCertificates? = nil, requireClient: Bool = false) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var args = ["python3", Self.script, "--data", data]
        if let c = certificates {
            args += ["--cert", c.serverCert, "--key", c.serverKey]
            if requireClient { args += ["--client-ca", c.caCert] }
        }
        process.arguments = args
        let out = Pipe()
        process.standardOutput = out
        // Not the test's own stderr: a server outliving its test must not hold `swift test`'s output open.
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = out.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw TestKitError("the case-system server did not start") }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let p = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else { throw TestKitError("the case-system server said \(text)") }
        port = p
        scheme = certificates == nil ? "http" : "https"
        tls = certificates.map { HTTPTLS(caBundle: $0.caCert, clientCertificate: $0.clientCert, clientKey: $0.clientKey) } ?? HTTPTLS()
        control = CurlMulti(maxInFlight: 2, name: "test-control")
    }

    deinit {
        // SIGKILL, not SIGTERM: a test process may ignore SIGTERM (the daemon's signal handling), and its children
        // inherit that. Not waited for: Foundation reaps the child.
        kill(process.processIdentifier, SIGKILL)
        control.stop()
    }

    var base: String { "\(scheme)://127.0.0.1:\(port)" }

    @discardableResult
    func call(_ method: String, _ path: String, _ body: Any? = nil) throws -> Any {
        var r = HTTPRequest(method: method, url: base + path, body: try body.map { try JSONSerialization.data(withJSONObject: $0) }, tls: tls)
        r.headers = [("Content-Type", "application/json")]
        switch control.send(r) {
        case let .success(a): return try JSONSerialization.jsonObject(with: a.body)
        case let .failure(e): throw TestKitError("control request \(path) failed: \(e)")
        }
    }

    /// The next requests misbehave, one fault each: "500", "503:2", "429:1", "hang:5", "reset", "truncate", "drop",
    /// "missing:FIELD", "wrong:FIELD", "empty", "404", "pass".
    func faults(_ list: [String]) throws { try call("POST", "/__faults", list) }
    func delay(_ seconds: Double, afterWrite: Double = 0) throws { try call("POST", "/__delay", ["seconds": seconds, "after_write": afterWrite]) }
    var stats: [String: Any] { (try? call("GET", "/__stats") as? [String: Any]) ?? [:] }
    var requests: Int { stats["requests"] as? Int ?? -1 }
    var applied: [String: Int] { stats["applied"] as? [String: Int] ?? [:] }
    /// Per invoice number, the rent deductions in force (applied minus reversed).
    var deducted: [String: Int] { stats["deducted"] as? [String: Int] ?? [:] }

    /// The connectors section of `bilag.yaml` that maps this server's API onto the shipped robots' queries and actions.
    func connectorsYAML(extra: String = "", tlsYAML: String? = nil) -> String {
        let security = tlsYAML ?? (scheme == "http" ? "    insecure: true\n" : "")
        return """
        connectors:
          health:
            kind: http
            base_url: \(base)/api/v2
        \(security)    timeout_ms: 3000
            max_in_flight: 8
            breaker: { failures: 1000, open_seconds: 0 }
        \(extra)    queries:
              orders:
                path: /citizens/{cpr}/referrals?clinic={clinic_cvr}
                results: /data/referrals
                not_found_is_none: true
                fields:
                  id: { pointer: /referralNo }
                  cpr: { pointer: /patient/cpr }
                  clinic_cvr: { pointer: /clinic/cvr }
                  certificate_type: { pointer: /certificate/code }
                  status: { pointer: /state }
                  case_id: { pointer: /journal/caseRef }
                  ordered_at: { pointer: /orderedOn, type: date }
            actions:
              mark-order-invoiced:
                path: /referrals/{order_id}/invoicing
                body: { invoice: { number: "{invoice_number}", amount: "{amount}" } }
          benefits:
            kind: http
            base_url: \(base)/rest/housing-benefit
        \(security)    timeout_ms: 3000
            queries:
              rent-cases:
                method: POST
                path: /search
                body: { person: "{cpr}", lease: "{tenancy_id}" }
                results: /hits
                fields:
                  case_id: { pointer: /sag/nr }
                  cpr: { pointer: /borger }
                  tenancy_id: { pointer: /lejemaal }
                  housing_cvr: { pointer: /udlejer/cvr }
                  status: { pointer: /tilstand }
                  rent_administered: { pointer: /huslejeAdministreret, type: bool }
            actions:
              deduct-rent-from-benefit:
                path: /cases/{case_id}/deductions
                body: { amount: "{amount}", period: "{period}", invoice: "{invoice_number}", lease: "{tenancy_id}" }
                idempotency_header: X-Request-Id
                done: [200]
              reinstate-benefit:
                path: /cases/{case_id}/deductions/reversal
                body: { amount: "{amount}", period: "{period}", invoice: "{invoice_number}", lease: "{tenancy_id}", reverses: "{compensates}" }
                idempotency_header: X-Request-Id
                done: [200]
              note-case:
                path: /cases/{case_id}/notes
                body: { case: "{case_id}" }
                idempotency_header: X-Request-Id
                done: [200]

        """
    }
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate, made by `openssl` in a temporary folder.
struct TestCertificates {
    let folder: String
    var caCert: String { folder + "/ca.pem" }
    var serverCert: String { folder + "/server.pem" }
    var serverKey: String { folder + "/server.key" }
    var clientCert: String { folder + "/client.pem" }
    var clientKey: String { folder + "/client.key" }

    init() throws {
        folder = NSTemporaryDirectory() + "bilag-certs-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let script = """
        set -e
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=bilag-test-ca 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext
        openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=case-system.test 2>/dev/null
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=bilag-client 2>/dev/null
        openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2 2>/dev/null
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        p.currentDirectoryURL = URL(fileURLWithPath: folder)
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestKitError("openssl could not make the test certificates") }
    }
}
