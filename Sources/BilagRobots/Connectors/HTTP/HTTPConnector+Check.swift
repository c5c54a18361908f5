import BilagCore
import Foundation

/// What `bilag connectors check` finds for one connector.
public struct ConnectorCheck: Sendable, Codable {
    public var connector: String
    public var kind: String
    public var answers: Bool
    /// The HTTP status, or why nothing answered.
    public var detail: String
    public var latencyMilliseconds: Double?
    /// The server certificate's subject and expiry.
    public var tlsPeer: String?
    /// When the configured client certificate expires (`notAfter`), or why that is unknown.
    public var clientCertificateExpires: String?

    public init(connector: String, kind: String, answers: Bool, detail: String) {
        self.connector = connector; self.kind = kind; self.answers = answers; self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case connector, kind, answers, detail, latencyMilliseconds = "latency_ms", tlsPeer = "tls_peer", clientCertificateExpires = "client_certificate_expires"
    }
}

extension HTTPConnector {
    /// Asks the health path (or the base URL): any HTTP answer means the system answers; 5xx is reported as such.
    public func check() -> ConnectorCheck {
        var r = HTTPRequest(method: "GET", url: Self.join(settings.baseURL, settings.healthPath ?? ""), headers: [("Accept", "application/json")], tls: settings.tls,
                            connectTimeoutMilliseconds: settings.connectTimeoutMilliseconds, totalTimeoutMilliseconds: settings.timeoutMilliseconds)
        if case let .success(auth?) = authorization { r.headers.append(("Authorization", auth)) }
        r.headers += settings.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        r.wantPeerCertificate = settings.baseURL.lowercased().hasPrefix("https")
        var out = ConnectorCheck(connector: name, kind: "http", answers: false, detail: "")
        out.clientCertificateExpires = settings.tls.clientCertificate.map(Self.certificateExpiry)
        switch multi.send(r) {
        case let .success(a):
            out.answers = a.status < 500
            out.detail = "HTTP \(a.status)"
            out.latencyMilliseconds = (a.seconds * 10_000).rounded() / 10
            out.tlsPeer = a.peer
        case let .failure(e):
            out.detail = PersonalData.mask("\(e)")
            out.latencyMilliseconds = (e.seconds * 10_000).rounded() / 10
        }
        if case let .failure(e) = authorization { out.answers = false; out.detail += "; credentials: \(e)" }
        return out
    }

    /// A PEM certificate's expiry, as `openssl x509 -enddate` reports it.
    static func certificateExpiry(_ path: String) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["openssl", "x509", "-noout", "-enddate", "-in", path]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return "unknown (openssl is not installed)" }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0, let date = text.split(separator: "=", maxSplits: 1).last else { return "unknown (\(path) is not a PEM certificate)" }
        return date.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
