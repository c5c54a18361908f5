import BilagCore

/// A recursive-descent parser from tokens to a `Node` tree.
///
/// Precedence, loosest first: `??`, `or`, `and`, `not`, comparisons, `in`, `between`, `matches`, `+ -`, `* /`,
/// unary `-`, then field access, indexing and calls. Comparisons, `in`, `between` and `matches` do not chain.
/// Function names, argument counts, literal dates, literal cadences and regex patterns are checked here.
struct Parser {
    /// The deepest an expression tree may be.
    static let maxDepth = 100
    /// The deepest parentheses, brackets and calls may nest.
    static let maxNesting = 40

    private let tokens: [Token]
    private let map: SourceMap
    private let functions: FunctionTable
    private var p = 0
    private var nesting = 0
    /// The root variable names the expression reads.
    private(set) var names: Set<String> = []

    /// A parser over `tokens` (ending with `.end`).
    init(tokens: [Token], map: SourceMap, functions: FunctionTable) {
        self.tokens = tokens
        self.map = map
        self.functions = functions
    }

    /// The whole expression; every token must be used.
    mutating func parseExpression() throws -> Node {
        guard peek.kind != .end else { throw map.error("the expression is empty", at: peek.offset) }
        let node = try coalesce()
        guard peek.kind == .end else {
            let hint = peek.kind == .identifier || peek.kind == .number || peek.kind == .string ? "; is an operator or a comma missing?" : ""
            throw map.error("unexpected \(peek.display) after a complete expression\(hint)", at: peek.offset)
        }
        return node
    }

    // MARK: tokens

    private var peek: Token { tokens[p] }
    private func peek(_ ahead: Int) -> Token { tokens[min(p + ahead, tokens.count - 1)] }

    @discardableResult
    private mutating func advance() -> Token {
        let t = tokens[p]
        if p < tokens.count - 1 { p += 1 }
        return t
    }

    private mutating func expect(_ kind: TokenKind, _ message: String) throws -> Token {
        guard peek.kind == kind else { throw map.error("\(message), but found \(peek.display)", at: peek.offset) }
        return advance()
    }

    private func make(_ kind: Node.Kind, at offset: Int, start: Int? = nil) throws -> Node {
        let node = Node(kind, at: offset, start: start)
        guard node.depth <= Self.maxDepth else {
            throw map.error("the expression is too deeply nested (more than \(Self.maxDepth) levels); split it into extract steps", at: offset)
        }
        return node
    }

    private mutating func enter(at offset: Int) throws {
        nesting += 1
        guard nesting <= Self.maxNesting else {
            throw map.error("the expression nests too deeply (more than \(Self.maxNesting) levels)", at: offset)
        }
    }

    // MARK: precedence levels, loosest first

    private mutating func coalesce() throws -> Node {
        let left = try or()
        guard peek.kind == .coalesce else { return left }
        let op = advance()
        let right = try coalesce()
        return try make(.coalesce(left, right), at: op.offset)
    }

    private mutating func or() throws -> Node {
        var left = try and()
        while peek.kind == .or {
            let op = advance()
            left = try make(.logical(.or, left, try and()), at: op.offset)
        }
        return left
    }

    private mutating func and() throws -> Node {
        var left = try not()
        while peek.kind == .and {
            let op = advance()
            left = try make(.logical(.and, left, try not()), at: op.offset)
        }
        return left
    }

    private mutating func not() throws -> Node {
        guard peek.kind == .not else { return try comparison() }
        let op = advance()
        try enter(at: op.offset)
        defer { nesting -= 1 }
        return try make(.not(try not()), at: op.offset)
    }

    private mutating func comparison() throws -> Node {
        let left = try membership()
        guard let op = ComparisonOperator(peek.kind) else { return left }
        let opToken = advance()
        let right = try membership()
        if ComparisonOperator(peek.kind) != nil {
            throw map.error("comparisons cannot be chained: write `a < b and b < c`", at: peek.offset)
        }
        if op.isEquality, left.literal == .null || right.literal == .null {
            let tested = left.literal == .null ? right : left
            return try make(.isNull(tested, negated: op == .notEqual), at: opToken.offset)
        }
        return try make(.comparison(op, left, right), at: opToken.offset)
    }

    private mutating func membership() throws -> Node {
        let left = try between()
        let negated = peek.kind == .not && peek(1).kind == .in
        guard peek.kind == .in || negated else { return left }
        let op = advance()
        if negated { advance() }
        let right = try between()
        if peek.kind == .in || (peek.kind == .not && peek(1).kind == .in) {
            throw map.error("`in` cannot be chained; use parentheses", at: peek.offset)
        }
        return try make(.membership(left, right, negated: negated), at: op.offset)
    }

    private mutating func between() throws -> Node {
        let value = try matches()
        let negated = peek.kind == .not && peek(1).kind == .between
        guard peek.kind == .between || negated else { return value }
        let op = advance()
        if negated { advance() }
        let low = try matches()
        _ = try expect(.and, "expected `and` in `x between low and high`")
        let high = try matches()
        if peek.kind == .between { throw map.error("`between` cannot be chained; use parentheses", at: peek.offset) }
        return try make(.between(value, low, high, negated: negated), at: op.offset)
    }

    private mutating func matches() throws -> Node {
        let value = try additive()
        let negated = peek.kind == .not && peek(1).kind == .matches
        guard peek.kind == .matches || negated else { return value }
        let op = advance()
        if negated { advance() }
        let pattern = peek
        guard pattern.kind == .string else {
            throw map.error("the pattern after `matches` must be a text in quotes, e.g. matches \"^[0-9]{8}$\"", at: pattern.offset)
        }
        advance()
        let regex = try compile(pattern)
        return try make(.matches(value, regex, negated: negated), at: op.offset)
    }

    private mutating func additive() throws -> Node {
        var left = try multiplicative()
        while peek.kind == .plus || peek.kind == .minus {
            let op = advance()
            let right = try multiplicative()
            left = try make(.arithmetic(op.kind == .plus ? .add : .subtract, left, right), at: op.offset)
        }
        return left
    }

    private mutating func multiplicative() throws -> Node {
        var left = try unary()
        while peek.kind == .star || peek.kind == .slash {
            let op = advance()
            let right = try unary()
            left = try make(.arithmetic(op.kind == .star ? .multiply : .divide, left, right), at: op.offset)
        }
        return left
    }

    private mutating func unary() throws -> Node {
        guard peek.kind == .minus else { return try postfix() }
        let op = advance()
        try enter(at: op.offset)
        defer { nesting -= 1 }
        let operand = try unary()
        if case .number(let n)? = operand.literal { return try make(.literal(.number(-n)), at: op.offset) }
        return try make(.negate(operand), at: op.offset)
    }

    private mutating func postfix() throws -> Node {
        var node = try primary()
        while true {
            if peek.kind == .dot {
                advance()
                let name = advance()
                guard name.kind == .identifier || name.kind.isKeyword else {
                    throw map.error("expected a field name after `.`, but found \(name.display)", at: name.offset)
                }
                node = try make(.field(node, name.text), at: name.offset)
            } else if peek.kind == .leftBracket {
                let open = advance()
                try enter(at: open.offset)
                let index = try coalesce()
                let message = "expected `]` to close the `[` at \(map.location(open.offset))"
                _ = try expect(.rightBracket, message)
                nesting -= 1
                node = try make(.index(node, index), at: open.offset)
            } else {
                return node
            }
        }
    }

    private mutating func primary() throws -> Node {
        let t = peek
        switch t.kind {
        case .number:
            advance()
            return try make(.literal(.number(t.number!)), at: t.offset)
        case .string:
            advance()
            return try make(.literal(.string(t.text)), at: t.offset)
        case .true, .false:
            advance()
            return try make(.literal(.bool(t.kind == .true)), at: t.offset)
        case .null:
            advance()
            return try make(.literal(.null), at: t.offset)
        case .leftParen:
            advance()
            try enter(at: t.offset)
            let inner = try coalesce()
            let message = "expected `)` to close the `(` at \(map.location(t.offset))"
            _ = try expect(.rightParen, message)
            nesting -= 1
            return inner
        case .leftBracket:
            advance()
            try enter(at: t.offset)
            var items: [Node] = []
            while peek.kind != .rightBracket {
                items.append(try coalesce())
                guard peek.kind == .comma else { break }
                advance()
            }
            let message = "expected `,` or `]` in the list opened at \(map.location(t.offset))"
            _ = try expect(.rightBracket, message)
            nesting -= 1
            // A list of literals of one type is a literal itself, built once.
            let values = items.compactMap(\.literal)
            if values.count == items.count, case .list(let type) = Value.list(values).staticType, type != .any || values.isEmpty {
                return try make(.literal(.list(values)), at: t.offset)
            }
            return try make(.list(items), at: t.offset)
        case .identifier:
            advance()
            if peek.kind == .leftParen { return try call(t) }
            names.insert(t.text)
            return try make(.variable(t.text), at: t.offset)
        default:
            throw map.error("expected a value (a name, a number, a text in quotes, a list or `(`), but found \(t.display)", at: t.offset)
        }
    }

    private mutating func call(_ name: Token) throws -> Node {
        let open = advance()
        guard let function = functions[name.text] else {
            throw map.error("unknown function `\(name.text)`\(Suggestions.didYouMean(name.text, among: functions.names))", at: name.offset)
        }
        try enter(at: open.offset)
        var args: [Node] = []
        while peek.kind != .rightParen {
            args.append(try coalesce())
            guard peek.kind == .comma else { break }
            advance()
        }
        let message = "expected `,` or `)` in the call of \(name.text) opened at \(map.location(open.offset))"
        _ = try expect(.rightParen, message)
        nesting -= 1
        guard function.arity.contains(args.count) else {
            throw map.error("\(function.name) takes \(function.arityText), but \(args.count) \(args.count == 1 ? "was" : "were") given: \(function.signature)", at: name.offset)
        }
        var regex: CompiledRegex?
        if let k = function.patternArgument {
            guard case .string(let pattern)? = args[k].literal else {
                throw map.error("the pattern of \(function.name) must be written as a text in quotes", at: args[k].start)
            }
            regex = try compile(Token(kind: .string, text: pattern, number: nil, offset: args[k].offset))
        }
        let literals = args.map(\.literal)
        if let problem = function.literalCheck?(literals) {
            throw map.error(problem.message, at: problem.argument.map { args[$0].start } ?? name.offset)
        }
        // Every function is pure: a call with only literal arguments is computed once, here.
        let values = literals.compactMap { $0 }
        if values.count == args.count {
            do {
                return try make(.literal(try function.invoke(values, regex: regex)), at: name.offset)
            } catch let failure as EvaluationFailure {
                throw map.error(failure.message, at: failure.argument.map { args[$0].start } ?? name.offset)
            }
        }
        return try make(.call(function, args, regex), at: name.offset)
    }

    private func compile(_ pattern: Token) throws -> CompiledRegex {
        do {
            return try CompiledRegex(pattern.text)
        } catch {
            throw map.error("\(Value.string(pattern.text)) is not a valid regular expression", at: pattern.offset)
        }
    }
}
