import BilagCore
import BilagRobotLanguage
import Foundation

/// A case system over HTTP(S), through libcurl's multi interface: one thread drives up to `max_in_flight` transfers.
///
/// Its configuration maps the API's own URLs, JSON shapes and statuses onto the queries and actions robots name, so a
/// robot runs unchanged against `files` and `http`. A timeout, connection or TLS error, 5xx, 429 or an unreadable
/// answer is a system failure (`ConnectorError.unavailable`: the invoice waits); a 404 configured as "none" and an
/// empty result are business answers. Logged and reported URLs and bodies have personal ids masked; secrets are
/// sent in headers only and never appear in a message.
public final class HTTPConnector: AsyncConnector, Sendable {
    public let name: String
    public let settings: HTTPConnectorSettings
    public let breaker: CircuitBreaker
    let multi: CurlMulti
    let counters: ConnectorStats
    /// The `Authorization` header, or why the credentials could not be read (every request then fails with it).
    let authorization: Result<String?, HTTPConfigError>
    /// The credentials as a case system might echo them back in an answer (a gateway's "token rejected: Bearer …"):
    /// taken out of every message before it is logged, stored or shown.
    let redaction: SecretRedaction

    /// `counters`: the figures of the connector this one replaces (a reload), to count on from.
    init(name: String, settings: HTTPConnectorSettings, environment: [String: String] = ProcessInfo.processInfo.environment, now: @escaping @Sendable () -> Date = { Date() },
         counters: ConnectorStats?) {
        self.name = name
        self.settings = settings
        self.counters = counters ?? ConnectorStats()
        breaker = CircuitBreaker(threshold: settings.breakerFailures, openSeconds: settings.breakerOpenSeconds, now: now)
        multi = CurlMulti(maxInFlight: settings.maxInFlight, name: name)
        let credentials = Result { () throws -> (header: String, secrets: [String])? in
            switch settings.auth {
            case .none: return nil
            case let .bearer(source):
                let token = try source.read(environment: environment)
                return ("Bearer " + token, [token])
            case let .basic(user, source):
                let password = try source.read(environment: environment)
                let encoded = Data("\(user):\(password)".utf8).base64EncodedString()
                return ("Basic " + encoded, [password, encoded])
            }
        }.mapError { ($0 as? HTTPConfigError) ?? HTTPConfigError("\($0)") }
        authorization = credentials.map { $0?.header }
        redaction = SecretRedaction((try? credentials.get())??.secrets ?? [])
    }

    public convenience init(name: String, settings: HTTPConnectorSettings, environment: [String: String] = ProcessInfo.processInfo.environment, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(name: name, settings: settings, environment: environment, now: now, counters: nil)
    }

    deinit { multi.stop() }

    public var notBefore: Date? { breaker.notBefore }
    public var stats: ConnectorStatsSnapshot? { counters.snapshot(connector: name, breaker: breaker, multi: multi) }

    // MARK: lookups

    public func lookup(query: String, params: [String: Value]) throws -> [[String: Value]] {
        let (q, request) = try prepare(query: query, params: params)
        return try answer(q, query: query, params: params, request: request, multi.send(request))
    }

    public func lookup(query: String, params: [String: Value]) async throws -> [[String: Value]] {
        let (q, request) = try prepare(query: query, params: params)
        return try answer(q, query: query, params: params, request: request, await multi.send(request))
    }

    func prepare(query: String, params: [String: Value]) throws -> (HTTPQuery, HTTPRequest) {
        guard let q = settings.queries[query] else {
            throw ConnectorError.unknown(connector: name, message: "no query '\(query)' under connectors.\(name).queries in bilag.yaml")
        }
        let request = try self.request(q.method, q.path, q.body, params, extra: [])
        try permit(request)
        return (q, request)
    }

    func answer(_ q: HTTPQuery, query: String, params: [String: Value], request: HTTPRequest, _ result: Result<HTTPAnswer, HTTPTransportError>) throws -> [[String: Value]] {
        let a = try httpAnswer(result, request)
        if a.status == 404 && q.notFoundIsNone {
            // The API's own "no such record" (empty or JSON); a proxy's or web server's page (a wrong base_url or
            // route) is no answer about the record at all, and must not send the invoice to manual as "none".
            guard !Self.isWebPage(a.body) else {
                throw systemFailure("4xx", a.seconds, "\(target(request)): HTTP 404 with a body that is not JSON (\(a.header("Content-Type") ?? "no content type")): "
                                    + "not the API's answer; check base_url and the query's path", retryAfter: nil)
            }
            settle("none", a)
            return []
        }
        try refuseUnusable(a, request, definitive: false)
        let document: Any
        do { document = try JSONSerialization.jsonObject(with: a.body, options: [.fragmentsAllowed]) } catch {
            throw systemFailure("unreadable", a.seconds, "\(target(request)): HTTP \(a.status) with a body that is not JSON (\(a.body.count) bytes)", retryAfter: nil)
        }
        settle("ok", a)
        let records = try AnswerMapping(connector: name, query: query, spec: q).records(in: document)
        return records.filter { r in q.filter.allSatisfy { p in Table.same(r[p] ?? .null, params[p] ?? .null) } }
    }

    // MARK: write-backs

    public func send(_ update: CaseUpdate) throws {
        let (action, request) = try prepare(update)
        try sent(action, update, request, multi.send(request))
    }

    public func send(_ update: CaseUpdate) async throws {
        let (action, request) = try prepare(update)
        try sent(action, update, request, await multi.send(request))
    }

    public var sendsSideBySide: Bool { true }

    /// Every update its own request, all started at once (the multi handle keeps to `max_in_flight`); waits for the
    /// last answer.
    public func send(sideBySide updates: [CaseUpdate]) -> [(any Error)?] {
        let errors = SideBySide(count: updates.count)
        for (i, u) in updates.enumerated() {
            do {
                let (action, request) = try prepare(u)
                errors.group.enter()
                multi.start(request) { [self] result in
                    do { try sent(action, u, request, result) } catch { errors.set(i, error) }
                    errors.group.leave()
                }
            } catch { errors.set(i, error) }
        }
        errors.group.wait()
        return errors.all
    }

    /// The errors of updates sent side by side, each set once on the driving thread, read after the group is done.
    final class SideBySide: @unchecked Sendable {
        let group = DispatchGroup()
        private let lock = NSLock()
        private var errors: [(any Error)?]
        init(count: Int) { errors = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ e: any Error) { lock.withLock { errors[i] = e } }
        var all: [(any Error)?] { lock.withLock { errors } }
    }

    func prepare(_ update: CaseUpdate) throws -> (HTTPAction, HTTPRequest) {
        guard let action = settings.actions[update.action] else {
            throw ConnectorError.unknown(connector: name, message: "no action '\(update.action)' under connectors.\(name).actions in bilag.yaml")
        }
        // A reversal names what it reverses: `{compensates}` in its path or body, and the `compensates_header`
        // (default `Compensates-Key`), so the case system can tell "nothing to reverse" from a later write-back's effect.
        var params = update.typedParams
        var extra = [(action.idempotencyHeader, update.idempotencyKey)]
        if let original = update.compensates {
            params["compensates"] = .string(original)
            extra.append((action.compensatesHeader, original))
        }
        let request = try self.request(action.method, action.path, action.body, params, extra: extra)
        try permit(request)
        return (action, request)
    }

    func sent(_ action: HTTPAction, _ update: CaseUpdate, _ request: HTTPRequest, _ result: Result<HTTPAnswer, HTTPTransportError>) throws {
        let a = try httpAnswer(result, request)
        // Any 2xx took the update: never read as "not applied" (that would leave an applied deduction unreversed) —
        // unless it is an HTML page: a single sign-on gateway's login page or a proxy's, not the case system's answer.
        // That waits like any system failure and goes again under the same key (applied once however often it goes);
        // past the deadline it is given up and, where the robot names one, reversed.
        if (200..<300).contains(a.status) || action.done.contains(a.status) || action.alreadyDone.contains(a.status) {
            if Self.isHTMLPage(a) {
                throw systemFailure("unreadable", a.seconds, "\(target(request)): HTTP \(a.status) with an HTML page (\(a.header("Content-Type") ?? "no content type")), not the case system's answer "
                                    + "(a login page or a proxy's?): not taken as done; it goes again under its idempotency key", retryAfter: nil)
            }
            settle("ok", a)
            return
        }
        if Self.routeMissing.contains(a.status), Self.isWebPage(a.body) {
            // A web server's or proxy's page, not the API's answer about this update (a wrong base_url or path, a
            // method the route does not take): a misconfiguration, which must not withdraw bookings as refusals.
            throw systemFailure("4xx", a.seconds, "\(target(request)): HTTP \(a.status) with a body that is not JSON (\(a.header("Content-Type") ?? "no content type")): "
                                + "not the API's answer; check base_url and the action's method and path", retryAfter: nil)
        }
        try refuseUnusable(a, request, definitive: true)
        settle("refused", a)
        throw ConnectorError.refused(connector: name, action: update.action, status: a.status, message: redaction.apply(Self.message(a.body)))
    }

    // MARK: the exchange

    /// The request for a template and its parameters; every header but the secret ones is the configuration's.
    func request(_ method: String, _ path: String, _ body: JSONTemplate?, _ params: [String: Value], extra: [(String, String)]) throws -> HTTPRequest {
        let filledPath: String
        let bodyText: String?
        do {
            filledPath = try RequestTemplate.path(path, params)
            bodyText = try body?.render(params)
        } catch {
            throw ConnectorError.unknown(connector: name, message: "\(error)")
        }
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if bodyText != nil { headers.append(("Content-Type", "application/json")) }
        headers += settings.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        headers += extra.map { ($0.0, $0.1) }
        var r = HTTPRequest(method: method, url: Self.join(settings.baseURL, filledPath), headers: headers, body: bodyText.map { Data($0.utf8) }, tls: settings.tls,
                            connectTimeoutMilliseconds: settings.connectTimeoutMilliseconds, totalTimeoutMilliseconds: settings.timeoutMilliseconds)
        switch authorization {
        case let .success(value): if let value { r.headers.append(("Authorization", value)) }
        case let .failure(e): throw ConnectorError.unavailable(connector: name, message: "credentials: \(e)")
        }
        return r
    }

    static func join(_ base: String, _ path: String) -> String {
        guard !path.isEmpty else { return base }
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + (path.hasPrefix("/") ? path : "/" + path)
    }

    /// Method and URL with personal ids masked, for messages and logs.
    func target(_ r: HTTPRequest) -> String { "\(r.method) \(PersonalData.mask(r.url))" }

    func permit(_ r: HTTPRequest) throws {
        if let why = breaker.permit() {
            counters.record("breaker-open", seconds: nil)
            throw ConnectorError.unavailable(connector: name, message: "\(target(r)) not sent: \(why)")
        }
    }

    /// The HTTP answer, or the transport failure as a system failure.
    func httpAnswer(_ result: Result<HTTPAnswer, HTTPTransportError>, _ r: HTTPRequest) throws -> HTTPAnswer {
        switch result {
        case let .success(a): return a
        case let .failure(t): throw systemFailure(t.kind == .tooLarge ? "unreadable" : t.kind.rawValue, t.seconds, "\(target(r)): \(t)", retryAfter: nil)
        }
    }

    /// Statuses about bilag's access or the exchange, not about the update: credentials refused (401, 403, 407), the
    /// request timed out (408), the wrong server (421), too early (425). They wait and are retried like a 5xx.
    static let notAboutTheUpdate: Set<Int> = [401, 403, 407, 408, 421, 425]

    /// 429, 5xx, 3xx (never followed), the statuses of `notAboutTheUpdate` (and for lookups any other non-2xx) are
    /// system failures; a write-back's other 4xx falls through to a refusal.
    func refuseUnusable(_ a: HTTPAnswer, _ r: HTTPRequest, definitive: Bool) throws {
        if (200..<300).contains(a.status) { return }
        let retryAfter = a.header("Retry-After").flatMap(Self.retryAfterSeconds)
        let wish = retryAfter.map { " (retry after \(Int($0.rounded(.up))) s)" } ?? ""
        let text = "\(target(r)): HTTP \(a.status)\(wish): \(Self.message(a.body))"
        if a.status == 429 { throw systemFailure("429", a.seconds, text, retryAfter: retryAfter) }
        if a.status >= 500 { throw systemFailure("5xx", a.seconds, text, retryAfter: retryAfter) }
        if (300..<400).contains(a.status) { throw systemFailure("3xx", a.seconds, "\(text) (\(Self.redirect(a)))", retryAfter: retryAfter) }
        if !definitive || !(400..<500).contains(a.status) || Self.notAboutTheUpdate.contains(a.status) { throw systemFailure("4xx", a.seconds, text, retryAfter: retryAfter) }
    }

    /// What a redirect answer says to do: bilag follows none.
    static func redirect(_ a: HTTPAnswer) -> String {
        "a redirect\(a.header("Location").map { " to \(PersonalData.mask($0))" } ?? "") that bilag does not follow; set base_url to where the case system now answers"
    }

    /// 404 and 405: the statuses a web server or proxy answers for a route or method it does not have.
    static let routeMissing: Set<Int> = [404, 405]

    /// An HTML (or other markup) page: its content type says so, or its first character is `<`.
    static func isHTMLPage(_ a: HTTPAnswer) -> Bool {
        if let type = a.header("Content-Type")?.lowercased(), type.contains("html") { return true }
        return a.body.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }) == 0x3C
    }

    /// A body that is not the API's own answer: not empty and not JSON (a web server's or proxy's page).
    static func isWebPage(_ body: Data) -> Bool {
        !body.isEmpty && (try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])) == nil
    }

    func systemFailure(_ resultClass: String, _ seconds: Double, _ message: String, retryAfter: Double?) -> ConnectorError {
        let message = redaction.apply(message)
        counters.record(resultClass, seconds: seconds)
        breaker.failed(message, retryAfter: retryAfter)
        return .unavailable(connector: name, message: message)
    }

    func settle(_ resultClass: String, _ a: HTTPAnswer) {
        counters.record(resultClass, seconds: a.seconds)
        breaker.succeeded()
    }

    /// `Retry-After` in seconds: a number of seconds or an HTTP date.
    static func retryAfterSeconds(_ value: String) -> Double? {
        if let s = Double(value.trimmingCharacters(in: .whitespaces)) { return max(0, s) }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return f.date(from: value).map { max(0, $0.timeIntervalSinceNow) }
    }

    /// What the case system said, for a person: its JSON `message`/`error`/`detail`/`title`, else the start of the
    /// body; personal ids masked.
    static func message(_ body: Data) -> String {
        if let o = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            for key in ["message", "error", "detail", "title"] { if let m = o[key] as? String { return PersonalData.mask(String(m.prefix(300))) } }
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "no message" : PersonalData.mask(text)
    }
}
