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
    /// Asks the health path (or the base URL). It answers when it gives a 2xx, or, asked at its base URL without a
    /// health path, any 4xx but a refusal of bilag's credentials. A redirect (never followed), refused credentials, a
    /// health path that is not there, and a 5xx are reported as not answering, with what to do.
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
            (out.answers, out.detail) = Self.verdict(a, healthPath: settings.healthPath)
            out.latencyMilliseconds = (a.seconds * 10_000).rounded() / 10
            out.tlsPeer = a.peer
        case let .failure(e):
            out.detail = PersonalData.mask("\(e)")
            out.latencyMilliseconds = (e.seconds * 10_000).rounded() / 10
        }
        out.detail = redaction.apply(out.detail)
        if case let .failure(e) = authorization { out.answers = false; out.detail += "; credentials: \(e)" }
        if let notAfter = out.clientCertificateExpires, Self.isPast(notAfter: notAfter) {
            out.answers = false
            out.detail += "; the client certificate \(settings.tls.clientCertificate ?? "") EXPIRED on \(notAfter): the case system refuses it — renew it"
        }
        return out
    }

    /// True when the PEM certificate at `path` is past its `notAfter` (as `certificateExpiry` reads it).
    public static func certificateExpired(_ path: String) -> Bool { isPast(notAfter: certificateExpiry(path)) }

    /// True when `notAfter`, as openssl writes it (`Feb  1 00:00:00 2020 GMT`), has passed; false for anything else
    /// (an expiry that is not known is not known to have passed).
    public static func isPast(notAfter: String, now: Date = Date()) -> Bool {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "MMM d HH:mm:ss yyyy zzz"
        let text = notAfter.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        return f.date(from: text).map { $0 < now } ?? false
    }

    /// Whether an answer to the check means the case system answers bilag, and what to tell the operator.
    static func verdict(_ a: HTTPAnswer, healthPath: String?) -> (Bool, String) {
        let status = "HTTP \(a.status)"
        switch a.status {
        case 200..<300: return (true, status)
        case 300..<400: return (false, "\(status): \(redirect(a))")
        case 401, 403, 407: return (false, "\(status): the case system refuses bilag's credentials; check the token, the basic auth or the client certificate")
        case 404 where healthPath != nil: return (false, "\(status): no health path \(healthPath!) there; check base_url and health_path")
        case 400..<500 where healthPath == nil: return (true, "\(status) at the base URL: it answers (set health_path to check a path of the API itself)")
        default: return (false, status)
        }
    }

    /// A PEM certificate's expiry, as `openssl x509 -enddate` reports it.
    public static func certificateExpiry(_ path: String) -> String {
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
