import BilagRobotLanguage
import Yams

/// Reads a YAML node tree with positions, turning every shape error into `file:line:column: message`.
struct YAMLReader {
    let file: String

    func location(_ node: Node?) -> SourceLocation {
        guard let mark = node?.mark else { return SourceLocation(file: file, line: 1, column: 1) }
        return SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    /// Where an expression written in this scalar starts (quoted scalars start one column later).
    func expressionStart(_ node: Node) -> SourceLocation {
        var loc = location(node)
        if case let .scalar(s) = node, s.style == .singleQuoted || s.style == .doubleQuoted { loc.column += 1 }
        if case let .scalar(s) = node, s.style == .literal || s.style == .folded { loc.line += 1 }
        return loc
    }

    func error(_ node: Node?, _ message: String) -> RobotLanguageError {
        RobotLanguageError(location: location(node), message: message)
    }

    func mapping(_ node: Node, _ what: String) throws -> [(key: String, keyNode: Node, value: Node)] {
        guard case let .mapping(m) = node else { throw error(node, "\(what) must be a mapping of name: value") }
        return try m.map { pair in
            guard case let .scalar(k) = pair.key else { throw error(pair.key, "\(what): keys must be plain names") }
            return (k.string, pair.key, pair.value)
        }
    }

    func sequence(_ node: Node, _ what: String) throws -> [Node] {
        guard case let .sequence(s) = node else { throw error(node, "\(what) must be a list (lines starting with '- ')") }
        return Array(s)
    }

    func string(_ node: Node, _ what: String) throws -> String {
        guard case let .scalar(s) = node else { throw error(node, "\(what) must be a single value") }
        return s.string
    }

    func int(_ node: Node, _ what: String) throws -> Int {
        guard let i = Int(try string(node, what)) else { throw error(node, "\(what) must be a whole number") }
        return i
    }

    func bool(_ node: Node, _ what: String) throws -> Bool {
        switch try string(node, what).lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default: throw error(node, "\(what) must be true or false")
        }
    }

    func expression(_ node: Node, _ what: String) throws -> Expression {
        let text = try string(node, what)
        return try Expression.parse(text, at: expressionStart(node))
    }

    /// A posting value: a quoted scalar is a literal text (`account: "4520010"`, `vat_code: "I25"`),
    /// anything else an expression (`account: plan.account`).
    func postingValue(_ node: Node, _ what: String) throws -> Expression {
        if case let .scalar(s) = node, s.style == .singleQuoted || s.style == .doubleQuoted {
            let escaped = s.string.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return try Expression.parse("\"" + escaped + "\"", at: location(node))
        }
        return try expression(node, what)
    }

    func template(_ node: Node, _ what: String) throws -> Template {
        try Template.parse(try string(node, what), at: expressionStart(node))
    }

    /// Refuses keys a step or section does not know, naming the ones it does.
    func onlyKnown(_ entries: [(key: String, keyNode: Node, value: Node)], _ known: Set<String>, in what: String) throws {
        for e in entries where !known.contains(e.key) {
            throw error(e.keyNode, "unknown field '\(e.key)' in \(what); known fields: \(known.sorted().joined(separator: ", "))")
        }
    }
}
