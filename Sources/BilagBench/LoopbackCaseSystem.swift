import BilagCore
import BilagRobots
import Foundation

/// The test case system (`Tests/CaseSystem/case_system_server.py`) on 127.0.0.1, started on a free port and stopped
/// with its owner: for the tests of the `http` connector and for `bilag bench --case-system-delay`. Its API is not
/// shaped like bilag's `files` data; `faults` makes its next answers misbehave, `delay` makes them slow.
open class LoopbackCaseSystem: @unchecked Sendable {
    public let process = Process()
    public let port: Int
    public let scheme: String
    /// The control client: plain requests to the server's `__` endpoints.
    public let control: CurlMulti
    public let tls: HTTPTLS

    /// The script in a source checkout (`repository`: the folder holding `Tests/`).
    public static func script(in repository: String) -> String { repository + "/Tests/CaseSystem/case_system_server.py" }

    /// `data` is a `casedata/` folder; `serverArguments` the script's TLS flags (`--cert`, `--key`, `--client-ca`), with
    /// `tls` what a client then needs.
    public init(script: String, data: String, serverArguments: [String] = [], tls: HTTPTLS = HTTPTLS()) throws {
        guard FileManager.default.fileExists(atPath: script) else {
            throw BilagError("case-system-missing", "the loopback case system \(script) is not here", remedy: "run from a source checkout of bilag (give it with --root)")
        }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--data", data] + serverArguments
        let out = Pipe()
        process.standardOutput = out
        // Not the owner's stderr: a server outliving its test must not hold `swift test`'s output open.
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = out.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw BilagError("case-system-failed", "the loopback case system did not start", remedy: "check that python3 is installed (scripts/setup)") }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let p = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BilagError("case-system-failed", "the loopback case system said \(text)", remedy: "run the script by hand to see why")
        }
        port = p
        scheme = serverArguments.isEmpty ? "http" : "https"
        self.tls = tls
        control = CurlMulti(maxInFlight: 2, name: "case-system-control")
    }

    deinit {
        // SIGKILL, not SIGTERM: a test process may ignore SIGTERM (the daemon's signal handling), and its children
        // inherit that. Not waited for: Foundation reaps the child.
        kill(process.processIdentifier, SIGKILL)
        control.stop()
    }

    public var base: String { "\(scheme)://127.0.0.1:\(port)" }

    @discardableResult
    public func call(_ method: String, _ path: String, _ body: Any? = nil) throws -> Any {
        var r = HTTPRequest(method: method, url: base + path, body: try body.map { try JSONSerialization.data(withJSONObject: $0) }, tls: tls)
        r.headers = [("Content-Type", "application/json")]
        switch control.send(r) {
        case let .success(a): return try JSONSerialization.jsonObject(with: a.body)
        case let .failure(e): throw BilagError("case-system-failed", "control request \(path) failed: \(e)", remedy: "")
        }
    }

    /// The next requests misbehave, one fault each: "500", "503:2", "429:1", "hang:5", "reset", "truncate", "drop",
    /// "missing:FIELD", "wrong:FIELD", "empty", "404", "pass".
    public func faults(_ list: [String]) throws { try call("POST", "/__faults", list) }
    /// Every answer waits `seconds` first (with `writes: false`, only lookups do); a write, once applied, `afterWrite` more.
    public func delay(_ seconds: Double, afterWrite: Double = 0, writes: Bool = true) throws {
        try call("POST", "/__delay", ["seconds": seconds, "after_write": afterWrite, "writes": writes])
    }
    /// The peak of requests in flight starts again from those open now.
    public func resetPeak() throws { try call("POST", "/__reset_peak") }
    public var stats: [String: Any] { (try? call("GET", "/__stats") as? [String: Any]) ?? [:] }
    public var requests: Int { stats["requests"] as? Int ?? -1 }
    public var applied: [String: Int] { stats["applied"] as? [String: Int] ?? [:] }
    /// Per invoice number, the rent deductions in force (applied minus reversed).
    public var deducted: [String: Int] { stats["deducted"] as? [String: Int] ?? [:] }
    /// The most requests the server had open at once (since the last `resetPeak`).
    public var peakInFlight: Int { stats["peak_in_flight"] as? Int ?? -1 }
    /// TCP connections the server has accepted since it started.
    public var connections: Int { stats["connections"] as? Int ?? -1 }

    /// User + system CPU seconds the server process has used so far (from `/proc`; nil where there is none): what the
    /// harness takes from the cores bilag runs on.
    public var cpuSeconds: Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // After the command name: state is field 3, utime 14 and stime 15 (in clock ticks).
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The connectors section of `bilag.yaml` that maps this server's API onto the shipped robots' queries and actions;
    /// `maxInFlight` for both connectors (nil: health 8, benefits the default).
    public func connectorsYAML(extra: String = "", tlsYAML: String? = nil, maxInFlight: Int? = nil) -> String {
        let security = tlsYAML ?? (scheme == "http" ? "    insecure: true\n" : "")
        return """
        connectors:
          health:
            kind: http
            base_url: \(base)/api/v2
        \(security)    timeout_ms: 3000
            max_in_flight: \(maxInFlight ?? 8)
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
        \(maxInFlight.map { "    max_in_flight: \($0)\n" } ?? "")    queries:
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
