/// A node of a parsed expression tree, with the offset of the token it is reported at.
struct Node: Sendable {
    /// What the node computes.
    indirect enum Kind: Sendable {
        case literal(Value)
        case variable(String)
        case field(Node, String)
        case index(Node, Node)
        case list([Node])
        case negate(Node)
        case not(Node)
        case arithmetic(ArithmeticOperator, Node, Node)
        case comparison(ComparisonOperator, Node, Node)
        case logical(LogicalOperator, Node, Node)
        case coalesce(Node, Node)
        case isNull(Node, negated: Bool)
        case membership(Node, Node, negated: Bool)
        case between(Node, Node, Node, negated: Bool)
        case matches(Node, CompiledRegex, negated: Bool)
        case call(BuiltinFunction, [Node], CompiledRegex?)
    }

    /// What the node computes.
    let kind: Kind
    /// The offset (in Unicode scalars) errors about this node point at.
    let offset: Int
    /// The offset where the node's text begins (`invoice` in `invoice.total`), for errors about a whole operand.
    let start: Int
    /// The height of the tree below and including this node; bounded so evaluation cannot exhaust the stack.
    let depth: Int

    /// A node reported at `offset` whose text begins at `start` (by default at its first child, else `offset`).
    init(_ kind: Kind, at offset: Int, start: Int? = nil) {
        self.kind = kind
        self.offset = offset
        let children = Node.children(of: kind)
        self.start = start ?? min(offset, children.first?.start ?? offset)
        self.depth = 1 + children.reduce(0) { max($0, $1.depth) }
    }

    /// The literal value, if this node is one.
    var literal: Value? {
        if case .literal(let v) = kind { return v }
        return nil
    }

    /// The direct children of a node kind.
    static func children(of kind: Kind) -> [Node] {
        switch kind {
        case .literal, .variable: return []
        case .field(let b, _), .negate(let b), .not(let b), .isNull(let b, _), .matches(let b, _, _): return [b]
        case .index(let a, let b), .arithmetic(_, let a, let b), .comparison(_, let a, let b), .logical(_, let a, let b),
             .coalesce(let a, let b), .membership(let a, let b, _):
            return [a, b]
        case .between(let a, let b, let c, _): return [a, b, c]
        case .list(let items), .call(_, let items, _): return items
        }
    }
}
