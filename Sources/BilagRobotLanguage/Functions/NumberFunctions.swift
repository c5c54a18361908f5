import BilagCore

/// `abs`, `min`, `max`, `round` and `percent_change`.
enum NumberFunctions {
    /// The functions of this group.
    static let all: [BuiltinFunction] = [
        BuiltinFunction(
            "abs", "abs(x: number) -> number", "The value without its sign.",
            params: [.number], returns: .number
        ) { .number(DecimalArithmetic.magnitude(try $0.number(0))) },
        extreme("min", "The smallest", pickFirst: true),
        extreme("max", "The largest", pickFirst: false),
        BuiltinFunction(
            "round", "round(x: number, decimals: number = 0) -> number",
            "x rounded to `decimals` places (0–20), half away from zero: round(2.345, 2) is 2.35, round(-2.5) is -3.",
            params: [.number, .number], required: 1, returns: .number
        ) { args in
            let decimals = args.count > 1 ? try args.whole(1) : 0
            guard (0...20).contains(decimals) else { throw EvaluationFailure("round keeps 0 to 20 decimals, not \(decimals)", argument: 1) }
            return .number(try args.number(0).rounded(decimals))
        },
        division("div", "The whole quotient of whole numbers, rounded down: div(17, 5) is 3, div(-17, 5) is -4.") { q, _ in q },
        division("mod", "The remainder of whole numbers, with the sign of b: mod(17, 5) is 2, mod(-17, 5) is 3 (check digits).") { _, r in r },
        BuiltinFunction(
            "percent_change", "percent_change(old: number, new: number) -> number",
            "(new − old) / old × 100; null when old is 0 or null.",
            params: [.number, .number], returns: .optional(.number)
        ) { args in
            let old = try args.number(0), new = try args.number(1)
            if old.value.isZero { return .null }
            let change = try DecimalArithmetic.divide(try DecimalArithmetic.subtract(new, old), old)
            return .number(DecimalArithmetic.compact(try DecimalArithmetic.multiply(change, Amount(100))))
        },
    ]

    /// `div` or `mod`: floored division of two whole numbers, giving the quotient and a remainder with the divisor's sign.
    private static func division(_ name: String, _ summary: String, pick: @escaping @Sendable (Int, Int) -> Int) -> BuiltinFunction {
        BuiltinFunction(name, "\(name)(a: number, b: number) -> number", summary, params: [.number, .number], returns: .number) { args in
            let a = try args.whole(0), b = try args.whole(1)
            guard b != 0 else { throw EvaluationFailure("division by zero", argument: 1) }
            var q = a / b, r = a % b
            if r != 0 && (r < 0) != (b < 0) { q -= 1; r += b }
            return .number(Amount(pick(q, r)))
        }
    }

    /// `min` or `max`: two or more values of one ordered type, or one list of them.
    private static func extreme(_ name: String, _ what: String, pickFirst: Bool) -> BuiltinFunction {
        BuiltinFunction(
            name, "\(name)(a: T, b: T, …) -> T  or  \(name)(values: list of T) -> T   (T: number, date or string)",
            "\(what) of the values, or of the list's elements; null when any is null or the list is empty.",
            arity: 1...Int.max,
            typing: { args in
                if args.count == 1 {
                    let element = try Typing.element(of: args[0], name, argument: 0)
                    guard element.isAny || element.isOrdered else {
                        throw FunctionTypeError(argument: 0, message: "\(name) works on numbers, dates or strings, not on a list of \(element)")
                    }
                    return element.nonOptional.optional(if: true)
                }
                let common = try Typing.common(args, name)
                guard common.isAny || common.isOrdered else {
                    throw FunctionTypeError(argument: nil, message: "\(name) works on numbers, dates or strings, not on \(common.phrase)")
                }
                return common
            },
            body: { args in
                let values = args.count == 1 ? try args.list(0) : args.values
                guard var best = values.first else { return .null }
                for v in values {
                    if v.isNull { return .null }
                    guard let c = ValueOrdering.compare(v, best) else {
                        throw EvaluationFailure("\(name) cannot compare \(v.kindPhrase) with \(best.kindPhrase)")
                    }
                    if pickFirst ? c < 0 : c > 0 { best = v }
                }
                return best
            })
    }
}
