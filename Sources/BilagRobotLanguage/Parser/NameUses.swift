/// What expressions read of each name: the fields they name on it (`invoice.total_vat`, also `lines.net_amount` on a
/// list of records), or the whole value where they use it otherwise (`let x = seller`, `count(lines)`,
/// `lines[0].name`). Worked out from the parsed tree, so it says what the expressions can read, no less.
public struct NameUses: Sendable, Equatable {
    /// Names used whole: every field may be read.
    public var whole: Set<String> = []
    /// For the names used only through fields, the fields named.
    public var fields: [String: Set<String>] = [:]

    public init() {}

    /// Whether the expressions may read `field` of `name`: used whole, or that field named.
    public func reads(_ name: String, field: String) -> Bool { whole.contains(name) || fields[name]?.contains(field) == true }

    /// Whether the expressions read `name` at all.
    public func reads(_ name: String) -> Bool { whole.contains(name) || fields[name] != nil }

    /// These uses and `other`'s.
    public mutating func formUnion(_ other: NameUses) {
        whole.formUnion(other.whole)
        for (name, f) in other.fields { fields[name, default: []].formUnion(f) }
    }

    /// The uses in the tree below `n`.
    mutating func collect(_ n: Node) {
        switch n.kind {
        case .variable(let name):
            whole.insert(name)
        case .field(let base, let field):
            if case .variable(let name) = base.kind { fields[name, default: []].insert(field) } else { collect(base) }
        default:
            for child in Node.children(of: n.kind) { collect(child) }
        }
    }
}

extension Expression {
    /// What this expression reads of each name.
    public var nameUses: NameUses {
        var uses = NameUses()
        uses.collect(root)
        return uses
    }
}

extension Template {
    /// What the expressions inside this template read of each name.
    public var nameUses: NameUses {
        expressions.reduce(into: NameUses()) { $0.formUnion($1.nameUses) }
    }
}
