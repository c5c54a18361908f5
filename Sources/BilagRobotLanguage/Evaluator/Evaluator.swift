/// Walks a checked expression tree for one environment. Null semantics:
/// arithmetic and functions on null give null (except `coalesce`); comparisons, `in`, `between` and `matches`
/// with a null operand are false (`x == null` and `x != null` test for null); `and`, `or` and `not` are
/// three-valued, null meaning "unknown".
struct Evaluator {
    /// Offsets to file locations, for errors.
    let map: SourceMap
    /// The values of the names.
    let env: Environment

    /// The value of `n`.
    func value(_ n: Node) throws -> Value {
        switch n.kind {
        case .literal(let v):
            return v
        case .variable(let name):
            guard let v = env[name] else { throw error("no value was given for `\(name)`", at: n.offset) }
            return v
        case .field(let base, let name):
            return try field(name, of: try value(base), at: n)
        case .index(let base, let index):
            return try self.index(try value(base), try value(index), at: n)
        case .list(let items):
            return .list(try items.map { try value($0) })
        case .negate(let operand):
            switch try value(operand) {
            case .null: return .null
            case .number(let x): return .number(DecimalArithmetic.negate(x))
            case let other: throw error("minus needs a number, but this is \(other.kindPhrase)", at: n.offset)
            }
        case .not(let operand):
            guard let b = try truth(operand, "not") else { return .null }
            return .bool(!b)
        case .arithmetic(let op, let l, let r):
            let a = try value(l), b = try value(r)
            if a.isNull || b.isNull { return .null }
            return try at(n) { try Arithmetic.apply(op, a, b) }
        case .comparison(let op, let l, let r):
            let a = try value(l), b = try value(r)
            if a.isNull || b.isNull { return .bool(false) }
            switch op {
            case .equal: return .bool(a == b)
            case .notEqual: return .bool(a != b)
            default:
                guard let c = ValueOrdering.compare(a, b) else {
                    throw error("cannot compare \(a.kindPhrase) with \(b.kindPhrase) using `\(op.rawValue)`", at: n.offset)
                }
                switch op {
                case .less: return .bool(c < 0)
                case .lessEqual: return .bool(c <= 0)
                case .greater: return .bool(c > 0)
                default: return .bool(c >= 0)
                }
            }
        case .logical(let op, let l, let r):
            let a = try truth(l, op.rawValue)
            if a == (op == .or) { return .bool(op == .or) }
            let b = try truth(r, op.rawValue)
            if b == (op == .or) { return .bool(op == .or) }
            if a == nil || b == nil { return .null }
            return .bool(op == .and)
        case .coalesce(let l, let r):
            let a = try value(l)
            return a.isNull ? try value(r) : a
        case .isNull(let operand, let negated):
            return .bool(try value(operand).isNull != negated)
        case .membership(let l, let r, let negated):
            let a = try value(l), b = try value(r)
            if a.isNull || b.isNull { return .bool(false) }
            let found: Bool
            switch (a, b) {
            case (_, .list(let items)): found = items.contains(a)
            case (.string(let part), .string(let text)): found = ValueOrdering.text(text, contains: part)
            default: throw error("`in` cannot look for \(a.kindPhrase) in \(b.kindPhrase)", at: n.offset)
            }
            return .bool(found != negated)
        case .between(let v, let low, let high, let negated):
            let x = try value(v), lo = try value(low), hi = try value(high)
            if x.isNull || lo.isNull || hi.isNull { return .bool(false) }
            guard let c1 = ValueOrdering.compare(x, lo), let c2 = ValueOrdering.compare(x, hi) else {
                throw error("`between` cannot compare \(x.kindPhrase) with \(lo.kindPhrase) and \(hi.kindPhrase)", at: n.offset)
            }
            return .bool((c1 >= 0 && c2 <= 0) != negated)
        case .matches(let v, let regex, let negated):
            switch try value(v) {
            case .null: return .bool(false)
            case .string(let s): return .bool(try at(n) { try regex.matches(s) } != negated)
            case let other: throw error("`matches` needs a string, but this is \(other.kindPhrase)", at: n.offset)
            }
        case .call(let function, let args, let regex):
            let values = try args.map { try value($0) }
            do {
                return try function.invoke(values, regex: regex)
            } catch let failure as EvaluationFailure {
                throw error(failure.message, at: failure.argument.map { args[$0].start } ?? n.offset)
            }
        }
    }

    private func truth(_ n: Node, _ op: String) throws -> Bool? {
        switch try value(n) {
        case .null: return nil
        case .bool(let b): return b
        case let other: throw error("`\(op)` needs true/false, but this is \(other.kindPhrase)", at: n.start)
        }
    }

    private func field(_ name: String, of base: Value, at n: Node) throws -> Value {
        switch base {
        case .null: return .null
        case .record(let fields): return fields[name] ?? .null
        case .list(let items):
            return .list(try items.map { item in
                switch item {
                case .null: return .null
                case .record(let fields): return fields[name] ?? .null
                default: throw error("the elements of this list are not records, so they have no field `\(name)`", at: n.offset)
                }
            })
        default:
            throw error("\(base.kindPhrase) has no field `\(name)`", at: n.offset)
        }
    }

    private func index(_ base: Value, _ index: Value, at n: Node) throws -> Value {
        switch (base, index) {
        case (.null, _), (_, .null): return .null
        case (.list(let items), .number(let k)):
            guard let i = DecimalArithmetic.whole(k) else { throw error("a list index must be a whole number, not \(k)", at: n.offset) }
            return items.indices.contains(i) ? items[i] : .null
        case (.record(let fields), .string(let key)):
            return fields[key] ?? .null
        default:
            throw error("\(base.kindPhrase) cannot be indexed by \(index.kindPhrase)", at: n.offset)
        }
    }

    private func at<T>(_ n: Node, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as EvaluationFailure {
            throw error(failure.message, at: n.offset)
        }
    }

    private func error(_ message: String, at offset: Int) -> EvaluationError {
        EvaluationError(location: map.location(offset), message: message)
    }
}
