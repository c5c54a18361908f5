import BilagCore
import BilagRobotLanguage
import Foundation
import Yams

/// Loads and checks one robot file: YAML shape, expressions, types, tables and connector names.
/// Every error names `file:line:column`.
public struct RobotLoader: Sendable {
    /// The connectors configuration offers; a robot naming another is refused.
    public var connectors: Set<String>

    public init(connectors: Set<String>) { self.connectors = connectors }

    static let topKeys: Set<String> = ["robot", "description", "legal_basis", "priority", "mode", "tables", "match", "steps", "pause"]

    public func load(path: String, displayPath: String? = nil) throws -> Robot {
        let shown = displayPath ?? path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RobotLanguageError(location: SourceLocation(file: shown, line: 1, column: 1), message: "cannot read the robot file")
        }
        return try load(data: data, path: path, displayPath: shown)
    }

    public func load(data: Data, path: String, displayPath: String) throws -> Robot {
        let y = YAMLReader(file: displayPath)
        // A file saved by an older Windows editor: its byte-order mark is no content. One in another encoding than
        // UTF-8 is refused with its line (read as UTF-8 it would hold `L\u{FFFD}gehuset` and match nothing).
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw RobotLanguageError(location: SourceLocation(file: displayPath, line: UTF8Lines.firstInvalid(bytes)?.line ?? 1, column: 1),
                                     message: "the robot file is not UTF-8 (this line holds a letter in another encoding, such as Latin-1 or Windows-1252); save it as UTF-8")
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { throw y.error(nil, "the robot file is empty") }
            root = node
        } catch let e as RobotLanguageError { throw e } catch let e as YamlError {
            throw Self.yamlError(e, file: displayPath, text: text)
        }
        let top = try y.mapping(root, "a robot file")
        try y.onlyKnown(top, Self.topKeys, in: "the robot file")
        func field(_ k: String) -> (key: String, keyNode: Node, value: Node)? { top.first { $0.key == k } }
        guard let nameNode = field("robot") else { throw y.error(root, "a robot file needs `robot: NAME`") }
        let name = try y.string(nameNode.value, "robot")
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw y.error(nameNode.value, "the robot's name may hold letters, digits, '-' and '_' only")
        }
        let mode: Robot.Mode
        if let m = field("mode") {
            guard let parsed = Robot.Mode(rawValue: try y.string(m.value, "mode")) else { throw y.error(m.value, "mode must be live, shadow or off") }
            mode = parsed
        } else { mode = .live }
        let folder = (path as NSString).deletingLastPathComponent
        // (NSString's deletingLastPathComponent traps on some relative paths on Linux: cut at the last '/'.)
        let displayFolder = displayPath.lastIndex(of: "/").map { String(displayPath[..<$0]) } ?? ""
        var tables: [String: Table] = [:]
        var dataFiles: [String: String] = [:]
        if let t = field("tables") {
            for entry in try y.mapping(t.value, "tables") {
                let (table, rel, hash) = try loadTable(entry.key, entry.value, y: y, folder: folder, displayFolder: displayFolder)
                tables[entry.key] = table
                // Keyed by the path relative to the robot file, so the version does not depend on where it was loaded from.
                dataFiles[rel] = hash
            }
        }
        var env = TypeEnvironment(InvoiceVariables.types)
        for (n, t) in tables { env = env.adding(n, t.columnType) }
        guard let matchNode = field("match") else { throw y.error(root, "a robot needs `match:` — which invoices it takes") }
        // Every mistake in the file is reported, not only the first: the match and each step are checked on their own.
        var mistakes: [RobotLanguageError] = []
        var match = try Expression.parse("false", at: y.location(matchNode.value))
        do {
            match = try y.expression(matchNode.value, "match")
            try expectBool(match, env, y, matchNode.value, "match")
        } catch let e as RobotLanguageError { mistakes += e.all }
        guard let stepsNode = field("steps") else { throw y.error(root, "a robot needs `steps:`") }
        var steps: [Step] = []
        var booked = false
        for node in try y.sequence(stepsNode.value, "steps") {
            do {
                if booked { throw y.error(node, "no step may follow `book`: booking ends the robot") }
                let step = try StepLoader(y: y, connectors: connectors, tables: tables).load(node, env: &env)
                if case .book = step { booked = true }
                steps.append(step)
            } catch let e as RobotLanguageError {
                mistakes += e.all
                // The names the broken step would bind stay known (of any type), so later steps are not blamed for it.
                for name in StepLoader.boundNames(node) where env[name] == nil { env = env.adding(name, .any) }
                if case let .mapping(m) = node, m.first.map({ if case let .scalar(k) = $0.key { return k.string == "book" } else { return false } }) == true { booked = true }
            }
        }
        if var first = mistakes.first {
            first.others = Array(mistakes.dropFirst())
            throw first
        }
        guard booked || steps.contains(where: { if case .manual = $0 { return true }; return false }) else {
            throw y.error(stepsNode.value, "the steps never book: end them with a `book:` step (or route everything with `manual:`)")
        }
        var pause = PauseSettings()
        if let p = field("pause") {
            let e = try y.mapping(p.value, "pause")
            try y.onlyKnown(e, ["enabled", "window", "baseline", "minimum", "rate", "factor", "points"], in: "pause")
            for (key, keyNode, value) in e {
                if key == "enabled" { pause.enabled = try y.bool(value, key); continue }
                let n = try y.int(value, key)
                guard n >= (key == "rate" || key == "points" ? 0 : 1), key != "rate" && key != "points" || n <= 100 else {
                    throw y.error(keyNode, "pause.\(key) must be " + (key == "rate" || key == "points" ? "0 to 100 (percent)" : "a whole number of at least 1"))
                }
                switch key {
                case "window": pause.window = n
                case "baseline": pause.baseline = n
                case "minimum": pause.minimum = n
                case "rate": pause.rate = n
                case "factor": pause.factor = n
                default: pause.points = n
                }
            }
        }
        var hashInput = data
        for (file, h) in dataFiles.sorted(by: { $0.key < $1.key }) { hashInput.append(Data("\n\(file)=\(h)".utf8)) }
        return Robot(
            name: name,
            description: try field("description").map { try y.string($0.value, "description") } ?? "",
            legalBasis: try field("legal_basis").map { try y.string($0.value, "legal_basis") },
            priority: try field("priority").map { try y.int($0.value, "priority") } ?? 0,
            mode: mode, file: displayPath, hash: RobotHash.sha256(hashInput), tables: tables, match: match, matchLocation: y.location(matchNode.value), steps: steps, dataFiles: dataFiles, pause: pause)
    }

    func loadTable(_ name: String, _ node: Node, y: YAMLReader, folder: String, displayFolder: String) throws -> (Table, String, String) {
        let entries = try y.mapping(node, "table \(name)")
        try y.onlyKnown(entries, ["file", "columns", "effective", "key", "encoding"], in: "table \(name)")
        guard let fileNode = entries.first(where: { $0.key == "file" }) else { throw y.error(node, "table \(name) needs `file:`") }
        let rel = try y.string(fileNode.value, "file")
        guard !rel.hasPrefix("/"), !rel.split(separator: "/").contains("..") else { throw y.error(fileNode.value, "table files live beside the robot: give a relative path without '..'") }
        guard let colNode = entries.first(where: { $0.key == "columns" }) else { throw y.error(node, "table \(name) needs `columns:` with a type per column (string, number, date, bool)") }
        var columns: [(name: String, type: FieldType)] = []
        for c in try y.mapping(colNode.value, "columns") {
            guard let t = FieldType(rawValue: try y.string(c.value, "column type")) else { throw y.error(c.value, "column \(c.key): type must be string, number, date or bool") }
            columns.append((c.key, t))
        }
        var effective: (from: String, to: String?)?
        var effectiveOn: Expression?
        let eff = entries.first(where: { $0.key == "effective" })
        let declaredNone: Bool = {
            if let eff, case let .scalar(s) = eff.value, s.string == "none" { return true }
            return false
        }()
        if let eff, !declaredNone {
            let e = try y.mapping(eff.value, "effective")
            try y.onlyKnown(e, ["from", "to", "on"], in: "effective")
            guard let from = try e.first(where: { $0.key == "from" }).map({ try y.string($0.value, "from") }) else { throw y.error(eff.value, "effective needs `from: COLUMN`") }
            let to = try e.first(where: { $0.key == "to" }).map { try y.string($0.value, "to") }
            for c in [from] + [to].compactMap({ $0 }) where !columns.contains(where: { $0.name == c && $0.type == .date }) {
                throw y.error(eff.value, "effective column \(c) must be one of the table's date columns")
            }
            effective = (from, to)
            // The date rows must be in force on: an expression over the invoice, by default its service date.
            if let onNode = e.first(where: { $0.key == "on" })?.value {
                let on = try y.expression(onNode, "on")
                let t = try on.check(in: TypeEnvironment(InvoiceVariables.types))
                guard t == .date || t == .optional(.date) else { throw y.error(onNode, "effective.on must be a date of the invoice (e.g. invoice.issue_date), but it is \(t)") }
                effectiveOn = on
            } else {
                effectiveOn = try Expression.parse("invoice.service_date", at: y.location(eff.value))
            }
        }
        // A date column named as a validity bound must be declared, so it is honoured (or declared not one).
        if !declaredNone {
            let bounds = [effective?.from, effective?.to].compactMap { $0 }
            for c in columns where c.type == .date && !bounds.contains(c.name) && Self.looksLikeValidityBound(c.name) {
                throw y.error(eff?.value ?? colNode.value, "table \(name): column \(c.name) looks like a validity bound; declare it so bilag honours it (`effective: { from: …, to: … }`), or write `effective: none` if it is not one")
            }
        }
        let display = displayFolder.isEmpty ? rel : displayFolder + "/" + rel
        var key: [String]?
        if let k = entries.first(where: { $0.key == "key" })?.value {
            if case let .scalar(s) = k { key = s.string == "none" ? [] : [s.string] } else { key = try y.sequence(k, "key").map { try y.string($0, "key") } }
            for c in key ?? [] where !columns.contains(where: { $0.name == c }) { throw y.error(k, "key column \(c) is not one of the table's columns") }
        }
        var encoding = String.Encoding.utf8
        if let e = entries.first(where: { $0.key == "encoding" })?.value {
            let named = try y.string(e, "encoding")
            guard let known = TableLoader.encodings[named.lowercased()] else { throw y.error(e, "encoding must be one of: \(TableLoader.encodings.keys.sorted().joined(separator: ", "))") }
            encoding = known
        }
        let loaded = try TableLoader.load(name: name, path: folder + "/" + rel, displayPath: display, columns: columns, effective: effective, key: key, encoding: encoding, at: y.location(fileNode.value))
        let table = effectiveOn == nil ? loaded : Table(name: loaded.name, file: loaded.file, columns: loaded.columns, rows: loaded.rows, effective: loaded.effective, effectiveOn: effectiveOn)
        let canonical = rel.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
        return (table, canonical, RobotHash.sha256(FileManager.default.contents(atPath: folder + "/" + rel) ?? Data()))
    }

    /// `valid_from`, `approved_from`, `valid_to`, `expires`, `ends_on`…: names that bound a row's validity.
    static func looksLikeValidityBound(_ column: String) -> Bool {
        let c = column.lowercased()
        return c.hasSuffix("_from") || c.hasSuffix("_to") || c.hasSuffix("_until") || c.hasPrefix("valid_") || c.hasPrefix("expire")
            || ["from", "to", "until", "start", "end", "starts", "ends", "ends_on", "starts_on", "expiry"].contains(c)
    }

    func expectBool(_ e: Expression, _ env: TypeEnvironment, _ y: YAMLReader, _ node: Node, _ what: String) throws {
        let t = try e.check(in: env)
        if !ValueTypes.isBoolean(t) { throw y.error(node, "\(what) must be a condition (true/false), but it is \(t)") }
    }

    static func yamlError(_ e: YamlError, file: String, text: String = "") -> RobotLanguageError {
        switch e {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let noticed = "\(problem)\(context.map { " \($0.text)" } ?? "")"
            // A quote left open: the reader only notices lines later, where the next quote closes it.
            if let open = unclosedQuote(in: text, before: mark.line) {
                return RobotLanguageError(location: SourceLocation(file: file, line: open.line, column: open.column),
                                          message: "YAML: the quote opened here is not closed on this line (the reader noticed at \(mark.line):\(mark.column): \(noticed))")
            }
            // Where an unclosed bracket or quoted text starts, not where the reader gave up on it.
            let opens = context.map { $0.text.contains("flow") || $0.text.contains("quoted") } ?? false
            let at = opens ? context!.mark : mark
            return RobotLanguageError(location: SourceLocation(file: file, line: at.line, column: at.column), message: "YAML: \(noticed)" + (opens ? " (noticed at \(mark.line):\(mark.column))" : ""))
        default:
            return RobotLanguageError(location: SourceLocation(file: file, line: 1, column: 1), message: "YAML: \(e)")
        }
    }

    /// The first line up to `line` holding a value whose double or single quote is not closed on it.
    static func unclosedQuote(in text: String, before line: Int) -> (line: Int, column: Int)? {
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(line).enumerated() {
            let chars = Array(raw)
            if chars.drop(while: { $0 == " " }).first == "#" { continue }
            // The value after `key: ` or `- `, when it starts with a quote.
            var start: Int?
            for j in chars.indices where chars[j] == "\"" || chars[j] == "'" {
                let before = String(chars[..<j]).trimmingWhitespace(includingNewlines: false)
                if before.isEmpty || before.hasSuffix(":") || before.hasSuffix("-") || before.hasSuffix("{") || before.hasSuffix(",") || before.hasSuffix("[") { start = j }
                break
            }
            guard let start else { continue }
            let quote = chars[start]
            var j = start + 1
            var closed = false
            while j < chars.count {
                if quote == "\"" && chars[j] == "\\" { j += 2; continue }
                if chars[j] == quote {
                    if quote == "'" && j + 1 < chars.count && chars[j + 1] == "'" { j += 2; continue }
                    closed = true; break
                }
                j += 1
            }
            if !closed { return (i + 1, start + 1) }
        }
        return nil
    }
}

/// Helpers on types the loader needs.
enum ValueTypes {
    static func isBoolean(_ t: ValueType) -> Bool {
        switch t {
        case .bool, .any: return true
        case let .optional(inner): return isBoolean(inner)
        default: return false
        }
    }
}
