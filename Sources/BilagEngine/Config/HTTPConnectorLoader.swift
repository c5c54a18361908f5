import BilagCore
import BilagRobots
import Foundation

/// Reads an `http` connector's settings from its `connectors.NAME` mapping in `bilag.yaml`.
enum HTTPConnectorLoader {
    static let known: [String: Set<String>] = [
        "connector": ["kind", "base_url", "insecure", "tls", "auth", "headers", "connect_timeout_ms", "timeout_ms", "max_in_flight", "breaker", "health_path", "queries", "actions", "updates"],
        "tls": ["ca_bundle", "client_cert", "client_key"],
        "auth": ["bearer_token_file", "bearer_token_env", "basic_user", "basic_password_file", "basic_password_env"],
        "breaker": ["failures", "open_seconds"],
        "query": ["method", "path", "body", "results", "not_found_is_none", "filter", "fields"],
        "field": ["pointer", "type", "optional", "values"],
        "action": ["method", "path", "body", "idempotency_header", "compensates_header", "done", "already_done"],
    ]

    static func settings(_ c: [String: Any], name: String, file: String) throws -> HTTPConnectorSettings {
        let at = "connectors.\(name)"
        func fail(_ message: String, _ remedy: String = "") -> BilagError { BilagError("config-invalid", "\(file): \(message)", remedy: remedy) }
        func check(_ map: [String: Any], _ section: String, _ prefix: String) throws {
            let allowed = known[section] ?? []
            for key in map.keys where !allowed.contains(key) {
                throw fail("unknown setting '\(key)' in \(prefix)", "known settings there: \(allowed.sorted().joined(separator: ", "))")
            }
        }
        func map(_ v: Any?, _ key: String) throws -> [String: Any] {
            guard let v else { return [:] }
            guard let m = v as? [String: Any] else { throw fail("\(key) must be a mapping") }
            return m
        }
        func text(_ v: Any?, _ key: String) throws -> String? { try v.map { try ConfigLoader.string($0, key, file) } }
        func number(_ v: Any?, _ key: String, min: Int) throws -> Int? {
            guard let v else { return nil }
            let n = try ConfigLoader.int(v, key, file)
            guard n >= min else { throw fail("\(key) is \(n); it must be at least \(min)") }
            return n
        }
        func statuses(_ v: Any?, _ key: String) throws -> Set<Int>? {
            guard let v else { return nil }
            guard let list = v as? [Any] else { throw fail("\(key) must be a list of HTTP statuses, e.g. [200, 201]") }
            return Set(try list.map { try ConfigLoader.int($0, key, file) })
        }
        func method(_ v: Any?, _ key: String, allowed: Set<String>, _ fallback: String) throws -> String {
            guard let m = try text(v, key)?.uppercased() else { return fallback }
            guard allowed.contains(m) else { throw fail("\(key) is '\(m)'", "use one of \(allowed.sorted().joined(separator: ", "))") }
            return m
        }
        // A header bilag itself sends (the idempotency key, a reversal's key, an extra header): a non-empty HTTP token.
        // An empty idempotency header would send write-backs with no key at all, and a resend could be applied twice.
        func headerName(_ v: Any?, _ key: String) throws -> String? {
            guard let h = try text(v, key) else { return nil }
            let tchar = Set("!#$%&'*+-.^_`|~".utf8)
            guard !h.isEmpty, h.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || tchar.contains($0) }) else {
                throw fail("\(key) is '\(h)', not an HTTP header name", "give a header name such as Idempotency-Key (letters, digits and -), or leave the key out for the default")
            }
            return h
        }
        func pointer(_ v: Any?, _ key: String) throws -> String? {
            guard let p = try text(v, key) else { return nil }
            guard JSONPointer.isValid(p) else { throw fail("\(key) is '\(p)', not a JSON pointer", "a JSON pointer is empty (the whole answer) or starts with /, e.g. /data/items") }
            return p
        }

        try check(c, "connector", at)
        guard let base = try text(c["base_url"], "\(at).base_url"), let scheme = URL(string: base)?.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
            throw fail("\(at).base_url must be an https:// URL", "for example base_url: https://sager.kommune.dk/api/v1")
        }
        var s = HTTPConnectorSettings(baseURL: base)
        s.insecure = (c["insecure"] as? Bool) ?? false
        if scheme == "http" && !s.insecure {
            throw fail("\(at).base_url is plain http://: personal data would travel unencrypted", "use https://, or set insecure: true for a test system on a closed network")
        }
        let tls = try map(c["tls"], "\(at).tls")
        try check(tls, "tls", "\(at).tls")
        s.tls = HTTPTLS(caBundle: try text(tls["ca_bundle"], "\(at).tls.ca_bundle"), clientCertificate: try text(tls["client_cert"], "\(at).tls.client_cert"), clientKey: try text(tls["client_key"], "\(at).tls.client_key"))
        if (s.tls.clientCertificate == nil) != (s.tls.clientKey == nil) { throw fail("\(at).tls needs both client_cert and client_key, or neither") }
        let auth = try map(c["auth"], "\(at).auth")
        try check(auth, "auth", "\(at).auth")
        func source(_ fileKey: String, _ envKey: String) throws -> SecretSource? {
            switch (try text(auth[fileKey], "\(at).auth.\(fileKey)"), try text(auth[envKey], "\(at).auth.\(envKey)")) {
            case (nil, nil): return nil
            case let (f?, nil): return .file(f)
            case let (nil, e?): return .environment(e)
            default: throw fail("\(at).auth has both \(fileKey) and \(envKey)", "give one of them")
            }
        }
        let bearer = try source("bearer_token_file", "bearer_token_env")
        let password = try source("basic_password_file", "basic_password_env")
        let user = try text(auth["basic_user"], "\(at).auth.basic_user")
        switch (bearer, user, password) {
        case (nil, nil, nil): s.auth = .none
        case let (b?, nil, nil): s.auth = .bearer(b)
        case let (nil, u?, p?): s.auth = .basic(user: u, password: p)
        default: throw fail("\(at).auth must be a bearer token (bearer_token_file or _env) or basic_user with basic_password_file or _env", "credentials are never written in bilag.yaml itself")
        }
        for (k, v) in try map(c["headers"], "\(at).headers") {
            _ = try headerName(k, "\(at).headers name")
            guard !["authorization", "proxy-authorization", "cookie"].contains(k.lowercased()) else { throw fail("\(at).headers.\(k) would put a secret in bilag.yaml", "use auth: with a file or an environment variable") }
            s.headers[k] = try ConfigLoader.string(v, "\(at).headers.\(k)", file)
        }
        s.connectTimeoutMilliseconds = try number(c["connect_timeout_ms"], "\(at).connect_timeout_ms", min: 1) ?? s.connectTimeoutMilliseconds
        s.timeoutMilliseconds = try number(c["timeout_ms"], "\(at).timeout_ms", min: 1) ?? s.timeoutMilliseconds
        s.maxInFlight = try number(c["max_in_flight"], "\(at).max_in_flight", min: 1) ?? s.maxInFlight
        let breaker = try map(c["breaker"], "\(at).breaker")
        try check(breaker, "breaker", "\(at).breaker")
        s.breakerFailures = try number(breaker["failures"], "\(at).breaker.failures", min: 1) ?? s.breakerFailures
        s.breakerOpenSeconds = Double(try number(breaker["open_seconds"], "\(at).breaker.open_seconds", min: 0) ?? Int(s.breakerOpenSeconds))
        s.healthPath = try text(c["health_path"], "\(at).health_path")
        for (qname, v) in try map(c["queries"], "\(at).queries") {
            let qa = "\(at).queries.\(qname)"
            let m = try map(v, qa)
            try check(m, "query", qa)
            guard let path = try text(m["path"], "\(qa).path") else { throw fail("\(qa) needs a path", "for example path: /citizens/{cpr}/orders") }
            var q = HTTPQuery(path: path)
            q.method = try method(m["method"], "\(qa).method", allowed: ["GET", "POST"], "GET")
            q.body = m["body"].map(JSONTemplate.from)
            if q.method == "GET" && q.body != nil { throw fail("\(qa) has a body but method GET", "use method: POST to send a body") }
            q.results = try pointer(m["results"], "\(qa).results") ?? ""
            q.notFoundIsNone = (m["not_found_is_none"] as? Bool) ?? false
            q.filter = ((m["filter"] as? [Any]) ?? []).map { "\($0)" }
            for (fname, fv) in try map(m["fields"], "\(qa).fields") {
                let fa = "\(qa).fields.\(fname)"
                let fm = try map(fv, fa)
                try check(fm, "field", fa)
                let typeName = try text(fm["type"], "\(fa).type") ?? "string"
                guard let type = HTTPField.Kind(rawValue: typeName) else { throw fail("\(fa).type is '\(typeName)'", "use one of \(HTTPField.Kind.allCases.map(\.rawValue).joined(separator: ", "))") }
                var values: [String: String] = [:]
                for (from, to) in try map(fm["values"], "\(fa).values") { values[from] = try ConfigLoader.string(to, "\(fa).values.\(from)", file) }
                if !values.isEmpty, type != .string { throw fail("\(fa).values maps texts, but the field's type is \(type.rawValue)", "give values: only to a string field") }
                q.fields[fname] = HTTPField(pointer: try pointer(fm["pointer"], "\(fa).pointer") ?? "/\(fname)", type: type, optional: (fm["optional"] as? Bool) ?? false, values: values)
            }
            s.queries[qname] = q
        }
        for (aname, v) in try map(c["actions"], "\(at).actions") {
            let aa = "\(at).actions.\(aname)"
            let m = try map(v, aa)
            try check(m, "action", aa)
            guard let path = try text(m["path"], "\(aa).path") else { throw fail("\(aa) needs a path", "for example path: /orders/{order_id}/invoices") }
            var a = HTTPAction(path: path)
            a.method = try method(m["method"], "\(aa).method", allowed: ["POST", "PUT", "PATCH", "DELETE"], "POST")
            a.body = m["body"].map(JSONTemplate.from)
            a.idempotencyHeader = try headerName(m["idempotency_header"], "\(aa).idempotency_header") ?? a.idempotencyHeader
            a.compensatesHeader = try headerName(m["compensates_header"], "\(aa).compensates_header") ?? a.compensatesHeader
            if a.idempotencyHeader.lowercased() == a.compensatesHeader.lowercased() {
                throw fail("\(aa) sends the idempotency key and a reversal's key in the same header \(a.idempotencyHeader)", "give idempotency_header and compensates_header different names")
            }
            a.done = try statuses(m["done"], "\(aa).done") ?? a.done
            a.alreadyDone = try statuses(m["already_done"], "\(aa).already_done") ?? a.alreadyDone
            s.actions[aname] = a
        }
        return s
    }
}
