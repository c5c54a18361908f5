import BilagRobotLanguage
import Yams

/// Reads one step, checks its expressions against the names known so far, and adds the names it binds.
struct StepLoader {
    let y: YAMLReader
    let connectors: Set<String>
    let tables: [String: Table]

    static let kinds = ["require", "let", "extract", "lookup", "table", "check", "history", "plan", "manual", "decline", "book"]

    func load(_ node: Node, env: inout TypeEnvironment) throws -> Step {
        let entries = try y.mapping(node, "a step")
        guard let head = entries.first, Self.kinds.contains(head.key) else {
            throw y.error(entries.first?.keyNode ?? node, "a step starts with one of: \(Self.kinds.joined(separator: ", "))")
        }
        let at = y.location(head.keyNode)
        func opt(_ k: String) -> Node? { entries.first { $0.key == k }?.value }
        func req(_ k: String) throws -> Node {
            guard let n = opt(k) else { throw y.error(head.keyNode, "\(head.key) needs `\(k):`") }
            return n
        }
        func deviation(_ reasonKey: String = "reason", _ messageKey: String = "message", default fallback: String? = nil) throws -> Deviation {
            guard let r = opt(reasonKey) else {
                if let fallback { return Deviation(reason: fallback, message: nil, location: at) }
                throw y.error(head.keyNode, "\(head.key) needs `reason:` — the code an operator sees when it fails")
            }
            let reason = try y.string(r, "reason")
            guard !reason.isEmpty, reason.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { throw y.error(r, "a reason code holds letters, digits, '-' and '_' only") }
            let message = try opt(messageKey).map { try y.template($0, "message") }
            try message?.check(in: env)
            return Deviation(reason: reason, message: message, location: y.location(r))
        }
        func nested(_ k: String) throws -> Deviation? {
            guard let n = opt(k) else { return nil }
            let e = try y.mapping(n, k)
            try y.onlyKnown(e, ["reason", "message"], in: k)
            guard let r = e.first(where: { $0.key == "reason" }) else { throw y.error(n, "\(k) needs `reason:`") }
            let message = try e.first(where: { $0.key == "message" }).map { try y.template($0.value, "message") }
            try message?.check(in: env)
            return Deviation(reason: try y.string(r.value, "reason"), message: message, location: y.location(r.value))
        }
        func bindings(_ n: Node, _ what: String) throws -> [(name: String, value: Expression)] {
            try y.mapping(n, what).map { e in
                let expr = try y.expression(e.value, "\(what).\(e.key)")
                _ = try expr.check(in: env)
                return (e.key, expr)
            }
        }
        func checkedBool(_ n: Node, _ what: String) throws -> Expression {
            let e = try y.expression(n, what)
            let t = try e.check(in: env)
            guard ValueTypes.isBoolean(t) else { throw y.error(n, "\(what) must be a condition (true/false), but it is \(t)") }
            return e
        }

        switch head.key {
        case "require":
            try y.onlyKnown(entries, ["require", "valid", "reason", "message"], in: "require")
            let value = try y.expression(head.value, "require")
            _ = try value.check(in: env)
            let valid = try opt("valid").map { n -> Require.IdentifierKind in
                guard let k = Require.IdentifierKind(rawValue: try y.string(n, "valid")) else { throw y.error(n, "valid must be one of: \(Require.IdentifierKind.allCases.map(\.rawValue).joined(separator: ", "))") }
                return k
            }
            return .require(Require(value: value, valid: valid, deviation: try deviation(), location: at))

        case "let", "extract":
            try y.onlyKnown(entries, [head.key], in: head.key)
            var out: [(name: String, value: Expression)] = []
            for e in try y.mapping(head.value, head.key) {
                try checkName(e.key, e.keyNode, env)
                let expr = try y.expression(e.value, e.key)
                env = env.adding(e.key, try expr.check(in: env))
                out.append((e.key, expr))
            }
            return .let_(Let(bindings: out, location: at))

        case "lookup":
            try y.onlyKnown(entries, ["lookup", "connector", "query", "params", "fields", "expect", "none", "many"], in: "lookup")
            let name = try y.string(head.value, "lookup")
            try checkName(name, head.value, env)
            let connectorNode = try req("connector")
            let connector = try y.string(connectorNode, "connector")
            guard connectors.contains(connector) else {
                throw y.error(connectorNode, "no connector named '\(connector)' is configured" + (connectors.isEmpty ? "" : " (configured: \(connectors.sorted().joined(separator: ", ")))"))
            }
            let params = try opt("params").map { try bindings($0, "params") } ?? []
            var fields: [String: FieldType] = [:]
            for f in try y.mapping(try req("fields"), "fields") {
                guard let t = FieldType(rawValue: try y.string(f.value, "field type")) else { throw y.error(f.value, "field \(f.key): type must be string, number, date or bool") }
                fields[f.key] = t
            }
            let expect = try opt("expect").map { n -> Lookup.Cardinality in
                guard let c = Lookup.Cardinality(rawValue: try y.string(n, "expect")) else { throw y.error(n, "expect must be one, optional or many") }
                return c
            } ?? .one
            let declineWhenNone = try isDecline(opt("none"))
            let none = declineWhenNone ? nil : try nested("none")
            if expect == .one && none == nil && !declineWhenNone { throw y.error(head.keyNode, "lookup with expect: one needs `none: {reason: …}` for when nothing is found") }
            let record = ValueType.record(fields.mapValues(\.valueType))
            env = env.adding(name, expect == .many ? .list(record) : record)
            return .lookup(Lookup(name: name, connector: connector, query: try y.string(try req("query"), "query"), params: params, fields: fields, expect: expect, none: none, many: try nested("many"), declineWhenNone: declineWhenNone, location: at))

        case "table":
            try y.onlyKnown(entries, ["table", "from", "where", "on", "reason", "message", "none"], in: "table")
            let name = try y.string(head.value, "table")
            try checkName(name, head.value, env)
            let fromNode = try req("from")
            let from = try y.string(fromNode, "from")
            guard let table = tables[from] else { throw y.error(fromNode, "no table named '\(from)' in this robot's `tables:`") }
            var where_: [(column: String, value: Expression)] = []
            if let w = opt("where") {
                for e in try y.mapping(w, "where") {
                    guard table.columns.contains(where: { $0.name == e.key }) else { throw y.error(e.keyNode, "table \(from) has no column '\(e.key)'") }
                    let expr = try y.expression(e.value, e.key)
                    _ = try expr.check(in: env)
                    where_.append((e.key, expr))
                }
            }
            let on = try opt("on").map { n -> Expression in
                let e = try y.expression(n, "on")
                let t = try e.check(in: env)
                guard t == .date || t == .optional(.date) || t == .any else { throw y.error(n, "on must be a date, but it is \(t)") }
                return e
            }
            // `none: decline`: no row means the invoice is not this robot's (e.g. a supplier missing from its list).
            let declineWhenNone = try isDecline(opt("none"))
            if let n = opt("none"), !declineWhenNone { throw y.error(n, "table: `none:` can only be `decline` (the deviation is `reason:`/`message:`)") }
            if declineWhenNone, let r = opt("reason") { throw y.error(r, "table: with `none: decline` there is no deviation; drop `reason:`") }
            let dev = declineWhenNone ? Deviation(reason: "declined", message: nil, location: at) : try deviation()
            env = env.adding(name, table.rowType)
            return .table(TableStep(name: name, table: from, where_: where_, on: on, none: dev, declineWhenNone: declineWhenNone, location: at))

        case "check":
            try y.onlyKnown(entries, ["check", "reason", "message"], in: "check")
            return .check(Check(condition: try checkedBool(head.value, "check"), deviation: try deviation(), location: at))

        case "history":
            try y.onlyKnown(entries, ["history", "key", "limit", "issued"], in: "history")
            let name = try y.string(head.value, "history")
            try checkName(name, head.value, env)
            let key = try y.expression(try req("key"), "key")
            _ = try key.check(in: env)
            env = env.adding(name, HistoryRecord.type)
            var anyIssueDate = false
            if let issued = opt("issued") {
                switch try y.string(issued, "issued") {
                case "any": anyIssueDate = true
                case "before": anyIssueDate = false
                default: throw y.error(issued, "issued: is `before` (the default: invoices issued on or before this one) or `any` (whatever their issue date)")
                }
            }
            return .history(History(name: name, key: key, limit: try opt("limit").map { try y.int($0, "limit") } ?? 12, anyIssueDate: anyIssueDate, location: at))

        case "plan":
            try y.onlyKnown(entries, ["plan", "reason", "message", "none"], in: "plan")
            let name = try y.string(head.value, "plan")
            try checkName(name, head.value, env)
            let dev = try deviation(default: "no-plan")
            let decline = try isDecline(opt("none"))
            if let n = opt("none"), !decline { throw y.error(n, "plan: `none:` can only be `decline` (the deviation is `reason:`/`message:`)") }
            env = env.adding(name, PlanRecord.type)
            return .plan(PlanStep(name: name, none: dev, declineUnknownPair: decline, location: at))

        case "decline":
            try y.onlyKnown(entries, ["decline", "when"], in: "decline")
            let when = try opt("when").map { try checkedBool($0, "when") }
            let why = try y.template(head.value, "decline")
            try why.check(in: env)
            return .decline(Decline(when: when, why: why, location: at))

        case "manual":
            try y.onlyKnown(entries, ["manual", "when", "message"], in: "manual")
            let reason = try y.string(head.value, "manual")
            let when = try opt("when").map { try checkedBool($0, "when") }
            let message = try opt("message").map { try y.template($0, "message") }
            try message?.check(in: env)
            return .manual(Manual(when: when, deviation: Deviation(reason: reason, message: message, location: y.location(head.value)), location: at))

        case "book":
            try y.onlyKnown(entries, ["book"], in: "book")
            let b = try y.mapping(head.value, "book")
            try y.onlyKnown(b, ["account", "dimensions", "vat_code", "text", "pay", "key", "write_back"], in: "book")
            func bopt(_ k: String) -> Node? { b.first { $0.key == k }?.value }
            guard let accountNode = bopt("account") else { throw y.error(head.keyNode, "book needs `account:`") }
            let account = try y.postingValue(accountNode, "account")
            _ = try account.check(in: env)
            var dims: [(name: String, value: Expression)] = []
            if let d = bopt("dimensions") {
                if case .scalar = d {
                    let e = try y.expression(d, "dimensions")
                    _ = try e.check(in: env)
                    dims = [("*", e)]
                } else {
                    dims = try y.mapping(d, "dimensions").map { e in
                        let expr = try y.postingValue(e.value, "dimensions.\(e.key)")
                        _ = try expr.check(in: env)
                        return (e.key, expr)
                    }
                }
            }
            let vat = try bopt("vat_code").map { n -> Expression in let e = try y.postingValue(n, "vat_code"); _ = try e.check(in: env); return e }
            let text = try bopt("text").map { try y.template($0, "text") }
            try text?.check(in: env)
            let key = try bopt("key").map { n -> Expression in let e = try y.expression(n, "key"); _ = try e.check(in: env); return e }
            var writes: [WriteBack] = []
            if let w = bopt("write_back") {
                for item in try y.sequence(w, "write_back") {
                    let e = try y.mapping(item, "write_back")
                    try y.onlyKnown(e, ["connector", "action", "params", "compensate"], in: "write_back")
                    guard let c = e.first(where: { $0.key == "connector" }) else { throw y.error(item, "write_back needs `connector:`") }
                    let cname = try y.string(c.value, "connector")
                    guard connectors.contains(cname) else { throw y.error(c.value, "no connector named '\(cname)' is configured") }
                    guard let a = e.first(where: { $0.key == "action" }) else { throw y.error(item, "write_back needs `action:`") }
                    let params = try e.first(where: { $0.key == "params" }).map { try bindings($0.value, "params") } ?? []
                    let compensate = try e.first(where: { $0.key == "compensate" }).map { try y.string($0.value, "compensate") }
                    writes.append(WriteBack(connector: cname, action: try y.string(a.value, "action"), params: params, compensate: compensate, location: y.location(item)))
                }
            }
            return .book(Book(account: account, dimensions: dims, vatCode: vat, text: text, pay: try bopt("pay").map { try y.bool($0, "pay") } ?? true, historyKey: key, writeBacks: writes, location: at))

        default:
            throw y.error(head.keyNode, "unknown step \(head.key)")
        }
    }

    /// `none: decline`.
    func isDecline(_ node: Node?) throws -> Bool {
        guard let node, case let .scalar(s) = node else { return false }
        guard s.string == "decline" else { throw y.error(node, "none: is either `decline` or a mapping {reason: …, message: …}") }
        return true
    }

    /// The names a step binds, read from its YAML alone (for carrying on past a broken step).
    static func boundNames(_ node: Node) -> [String] {
        guard case let .mapping(m) = node, let head = m.first, case let .scalar(k) = head.key else { return [] }
        switch k.string {
        case "lookup", "table", "history", "plan":
            if case let .scalar(v) = head.value { return [v.string] }
        case "let", "extract":
            if case let .mapping(b) = head.value { return b.compactMap { if case let .scalar(n) = $0.key { return n.string } else { return nil } } }
        default: break
        }
        return []
    }

    func checkName(_ name: String, _ node: Node, _ env: TypeEnvironment) throws {
        guard let f = name.first, f.isLetter || f == "_", name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw y.error(node, "'\(name)' is not a usable name (letters, digits, '_'; starting with a letter)")
        }
        if InvoiceVariables.types[name] != nil || tables[name] != nil {
            throw y.error(node, "'\(name)' is already the name of invoice data or a table; choose another")
        }
    }
}

/// The record a `history` step binds.
public enum HistoryRecord {
    public static let type: ValueType = .record([
        "count": .number, "last_amount": .number, "last_issue_date": .date, "last_invoice_number": .string,
        "last_invoice_id": .string, "amounts": .list(.number), "period_keys": .list(.string),
    ])
}

/// The record a `plan` step binds.
public enum PlanRecord {
    public static let type: ValueType = .record([
        "id": .string, "name": .string, "kind": .string, "account": .string, "vat_code": .string, "dimensions": .any,
        "min_amount": .number, "max_amount": .number, "cadence": .string, "valid_from": .date, "valid_to": .date,
        "expired": .bool, "period_key": .string, "matched_by": .string, "others": .list(.string), "scope": .string,
    ])
}
