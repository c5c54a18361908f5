import BilagCore

/// Computes the type of each node and reports the type errors a clerk would make, at load time.
struct TypeChecker {
    /// Offsets to file locations.
    let map: SourceMap
    /// The names in scope.
    let env: TypeEnvironment

    /// The type of `n`, or a `RobotLanguageError` at the offending part.
    func type(of n: Node) throws -> ValueType {
        switch n.kind {
        case .literal(let v):
            return v.staticType
        case .variable(let name):
            guard let t = env[name] else { throw unknownName(name, at: n.offset) }
            return t
        case .field(let base, let name):
            return try field(name, of: base, at: n.offset)
        case .index(let base, let index):
            return try self.index(base, by: index, at: n.offset)
        case .list(let items):
            return try list(items)
        case .negate(let operand):
            let t = try type(of: operand)
            guard ValueType.number.accepts(t) else { throw error("minus needs a number, but this is \(t.phrase)", at: operand.start) }
            return ValueType.number.optional(if: t.isOptional)
        case .not(let operand):
            let t = try type(of: operand)
            guard ValueType.bool.accepts(t) else {
                throw error("`not` needs true/false, but this is \(t.phrase)", at: operand.start)
            }
            return ValueType.bool.optional(if: t.isOptional)
        case .arithmetic(let op, let l, let r):
            return try arithmetic(op, l, r, at: n.offset)
        case .comparison(let op, let l, let r):
            try comparison(op, l, r, at: n.offset)
            return .bool
        case .logical(let op, let l, let r):
            var optional = false
            for (side, node) in [("left", l), ("right", r)] {
                let t = try type(of: node)
                optional = optional || t.isOptional
                guard ValueType.bool.accepts(t) else {
                    var hint = ""
                    if case .string? = node.literal { hint = " (to test for several values write x in [\"a\", \"b\"])" }
                    throw error("`\(op.rawValue)` needs true/false on both sides, but the \(side) side is \(t.phrase)\(hint)", at: node.start)
                }
            }
            return ValueType.bool.optional(if: optional)
        case .coalesce(let l, let r):
            let lt = try type(of: l), rt = try type(of: r)
            guard let common = lt.unified(with: rt) else {
                let hint = rt.nonOptional == .bool && lt.nonOptional != .bool ? " (`??` binds loosest: write (x ?? y) > z)" : ""
                throw error("both sides of `??` must have one type, but the left is \(lt.phrase) and the right \(rt.phrase)\(hint)", at: n.offset)
            }
            return common.nonOptional.optional(if: rt.isOptional)
        case .isNull(let operand, _):
            _ = try type(of: operand)
            return .bool
        case .membership(let l, let r, _):
            try membership(l, r, at: n.offset)
            return .bool
        case .between(let v, let low, let high, _):
            try between(v, low, high, at: n.offset)
            return .bool
        case .matches(let v, _, _):
            let t = try type(of: v)
            guard ValueType.string.accepts(t) else {
                throw error("`matches` needs a string on the left, but this is \(t.phrase) (text(x) makes one)", at: n.offset)
            }
            return .bool
        case .call(let function, let args, _):
            let types = try args.map { try type(of: $0) }
            do {
                let result = try function.typing(types)
                return result.optional(if: function.propagatesNull && types.contains(where: \.isOptional))
            } catch let problem as FunctionTypeError {
                throw error(problem.message, at: problem.argument.map { args[$0].start } ?? n.offset)
            }
        }
    }

    // MARK: names and fields

    private func unknownName(_ name: String, at offset: Int) -> RobotLanguageError {
        if let keyword = TokenKind.keywords.keys.first(where: { $0 == name.lowercased() }) {
            return error("`\(name)` is not a name: write the keyword in lower case, `\(keyword)`", at: offset)
        }
        if FunctionTable.standard[name] != nil {
            return error("`\(name)` is a function: call it with parentheses, \(FunctionTable.standard[name]!.signature)", at: offset)
        }
        return error("unknown name `\(name)`\(Suggestions.didYouMean(name, among: env.variables.keys))", at: offset)
    }

    private func field(_ name: String, of base: Node, at offset: Int) throws -> ValueType {
        let t = try type(of: base)
        switch t.nonOptional {
        case .any:
            return .any
        case .record(let fields):
            guard let f = fields[name] else { throw unknownField(name, of: base, fields: fields, at: offset) }
            return f.optional(if: t.isOptional)
        case .list(let element):
            switch element.nonOptional {
            case .any: return .list(.any)
            case .record(let fields):
                guard let f = fields[name] else { throw unknownField(name, of: base, fields: fields, at: offset, elements: true) }
                return ValueType.list(f.optional(if: element.isOptional)).optional(if: t.isOptional)
            default:
                throw error("the elements of `\(path(of: base))` are \(element.phrase) values, which have no field `\(name)`", at: offset)
            }
        default:
            throw error("`\(path(of: base))` is \(t.phrase), which has no field `\(name)`", at: offset)
        }
    }

    private func unknownField(_ name: String, of base: Node, fields: [String: ValueType], at offset: Int, elements: Bool = false) -> RobotLanguageError {
        let owner = elements ? "the elements of `\(path(of: base))` have" : "`\(path(of: base))` has"
        let known = fields.keys.sorted()
        let list = known.count <= 30 ? "; its fields are: " + known.joined(separator: ", ") : ""
        return error("\(owner) no field `\(name)`\(Suggestions.didYouMean(name, among: known))\(list)", at: offset)
    }

    private func index(_ base: Node, by index: Node, at offset: Int) throws -> ValueType {
        let bt = try type(of: base), it = try type(of: index)
        switch bt.nonOptional {
        case .any:
            guard it.isAny || [.number, .string].contains(it.nonOptional) else {
                throw error("an index is a number (for a list) or a string (for a record), not \(it.phrase)", at: index.start)
            }
            return .any
        case .list(let element):
            guard ValueType.number.accepts(it) else {
                throw error("a list is indexed by a number counted from 0, e.g. lines[0], not \(it.phrase)", at: index.start)
            }
            return element.optional(if: true)
        case .record(let fields):
            guard ValueType.string.accepts(it) else {
                throw error("a record is indexed by a field name in quotes, not \(it.phrase)", at: index.start)
            }
            guard case .string(let name)? = index.literal else { return .any }
            guard let f = fields[name] else { throw unknownField(name, of: base, fields: fields, at: index.start) }
            return f.optional(if: bt.isOptional)
        default:
            throw error("only lists and records can be indexed, but `\(path(of: base))` is \(bt.phrase)\(bt.nonOptional == .string ? " (use substring(s, start, length))" : "")", at: offset)
        }
    }

    private func list(_ items: [Node]) throws -> ValueType {
        var element: ValueType?
        for item in items {
            let t = try type(of: item)
            guard let current = element else { element = t; continue }
            guard let common = current.unified(with: t) else {
                throw error("the elements of a list must have one type, but this is \(t.phrase) and the ones before are \(current.phrase)", at: item.start)
            }
            element = common
        }
        return .list(element ?? .any)
    }

    /// The dotted path of a node for messages: `order.status`, `lines[…]`, else `this value`.
    private func path(of n: Node) -> String {
        switch n.kind {
        case .variable(let name): return name
        case .field(let base, let name): return path(of: base) + "." + name
        case .index(let base, _): return path(of: base) + "[…]"
        case .call(let f, _, _): return f.name + "(…)"
        default: return "this value"
        }
    }

    // MARK: operators

    private func arithmetic(_ op: ArithmeticOperator, _ l: Node, _ r: Node, at offset: Int) throws -> ValueType {
        let lt = try type(of: l), rt = try type(of: r)
        let a = lt.nonOptional, b = rt.nonOptional
        var result: ValueType?
        switch (op, a, b) {
        case (.add, .number, .number), (.subtract, .number, .number), (.subtract, .number, .any), (.subtract, .date, .date),
             (.subtract, .any, .date):
            result = .number
        case (.add, .string, .string), (.add, .string, .any), (.add, .any, .string): result = .string
        case (.add, .date, .number), (.add, .number, .date), (.add, .date, .any), (.add, .any, .date), (.subtract, .date, .number):
            result = .date
        case (.add, .list(let x), .list(let y)): result = x.unified(with: y).map { .list($0) }
        case (.add, .list, .any): result = a
        case (.add, .any, .list): result = b
        case (.add, .any, _), (.add, _, .any), (.subtract, .any, _), (.subtract, _, .any): result = .any
        case (.multiply, .number, .number), (.multiply, .number, .any), (.multiply, .any, .number), (.multiply, .any, .any),
             (.divide, .number, .number), (.divide, .number, .any), (.divide, .any, .number), (.divide, .any, .any):
            result = .number
        default: result = nil
        }
        if let result, !(result == .any && (a.isAny ? b : a).isBadWithAny(op)) {
            return result.optional(if: lt.isOptional || rt.isOptional)
        }
        var hint = ""
        switch (op, a, b) {
        case (.add, .string, _), (.add, _, .string): hint = ": use text(x) to turn a number or a date into a string"
        case (.add, .date, .date): hint = ": subtract them (or use days_between) for the days between two dates"
        case (_, .date, _), (_, _, .date): hint = ": add or subtract a number of days to a date, e.g. invoice.issue_date + 30"
        case (.add, .list, _), (.add, _, .list): hint = ": only two lists of one element type can be joined with `+`"
        default: break
        }
        throw error("`\(op.rawValue)` does not work on \(lt.phrase) and \(rt.phrase)\(hint)", at: offset)
    }

    private func comparison(_ op: ComparisonOperator, _ l: Node, _ r: Node, at offset: Int) throws {
        let lt = try type(of: l), rt = try type(of: r)
        let a = lt.nonOptional, b = rt.nonOptional
        if op.isEquality {
            if lt.unified(with: rt) != nil { return }
        } else if a.isAny || b.isAny {
            if [a, b].allSatisfy({ $0.isAny || $0.isOrdered }) { return }
        } else if a == b && a.isOrdered {
            return
        }
        var hint = ""
        if l.isBareDate || r.isBareDate {
            hint = ": write a date as date(\"2026-01-31\"); without it 2026-01-31 is a subtraction"
        } else if a == b, !a.isOrdered {
            hint = ": only numbers, dates and strings have an order"
        } else if let lit = (l.literal ?? r.literal), case .string(let s) = lit {
            let other = l.literal == nil ? a : b
            if other == .number, Amount(parsing: s) != nil { hint = ": write the number without quotes" }
            if other == .date, LocalDate(parsing: s) != nil { hint = ": write a date as date(\"\(s)\")" }
        } else if (a == .number && b == .string) || (a == .string && b == .number) {
            hint = ": convert one side with number(x) or text(x)"
        }
        throw error("cannot compare \(lt.phrase) with \(rt.phrase) using `\(op.rawValue)`\(hint)", at: offset)
    }

    private func membership(_ l: Node, _ r: Node, at offset: Int) throws {
        let lt = try type(of: l), rt = try type(of: r)
        switch rt.nonOptional {
        case .any:
            return
        case .list(let element):
            guard element.unified(with: lt) == nil else { return }
            var hint = ""
            if element.nonOptional == .string, lt.nonOptional == .number { hint = " (numbers in quotes are strings: write text(x) or quote the list's values consistently)" }
            if element.nonOptional == .number, lt.nonOptional == .string { hint = " (write the numbers without quotes, or use number(x))" }
            throw error("cannot look for \(lt.phrase) in \(rt.phrase)\(hint)", at: offset)
        case .string:
            guard ValueType.string.accepts(lt) else {
                throw error("`in` on a string looks for a part of it, so the left side must be a string, not \(lt.phrase)", at: offset)
            }
        default:
            throw error("`in` needs a list or a string on the right, but this is \(rt.phrase)", at: offset)
        }
    }

    private func between(_ v: Node, _ low: Node, _ high: Node, at offset: Int) throws {
        let types = try [v, low, high].map { try type(of: $0).nonOptional }
        let known = Set(types.filter { !$0.isAny })
        if known.isEmpty { return }
        if known.count == 1, let only = known.first, only == .number || only == .date { return }
        let bare = [v, low, high].contains(where: \.isBareDate) ? " (write a date as date(\"2026-01-31\"))" : ""
        let phrases = types.map(\.phrase)
        throw error("`between` works on numbers or on dates, all three of one kind, but here they are \(phrases[0]), \(phrases[1]) and \(phrases[2])\(bare)", at: offset)
    }

    private func error(_ message: String, at offset: Int) -> RobotLanguageError { map.error(message, at: offset) }
}

private extension Node {
    /// Whether this is `2026-01-31` written without date(…): a subtraction of three literal numbers.
    var isBareDate: Bool {
        guard case .arithmetic(.subtract, let left, let day) = kind, case .arithmetic(.subtract, let year, let month) = left.kind,
              case .number? = year.literal, case .number? = month.literal, case .number? = day.literal
        else { return false }
        return true
    }
}

private extension ValueType {
    /// Whether a known type can never meet `any` in `op` (e.g. a bool in arithmetic).
    func isBadWithAny(_ op: ArithmeticOperator) -> Bool {
        switch nonOptional {
        case .number, .any: return false
        case .string, .list: return op != .add
        case .date: return op == .multiply || op == .divide
        default: return true
        }
    }
}
