import BilagCore

/// `sum`, `count`, `first` and `last`.
enum ListFunctions {
    /// The functions of this group.
    static let all: [BuiltinFunction] = [
        BuiltinFunction(
            "sum", "sum(values: list of number) -> number", "The total of the list; 0 for an empty list, null when an element is null.",
            arity: 1...1,
            typing: { args in
                let element = try Typing.element(of: args[0], "sum", argument: 0)
                guard ValueType.number.accepts(element) else {
                    throw FunctionTypeError(argument: 0, message: "sum needs a list of numbers, but this is a list of \(element)")
                }
                return .number
            },
            body: { args in
                var total = Amount.zero
                for v in try args.list(0) {
                    switch v {
                    case .null: return .null
                    case .number(let n): total = try DecimalArithmetic.add(total, n)
                    default: throw EvaluationFailure("sum needs numbers, but the list holds \(v.kindPhrase)", argument: 0)
                    }
                }
                return .number(total)
            }),
        BuiltinFunction(
            "count", "count(values: list) -> number", "The number of elements in the list.",
            arity: 1...1,
            typing: { args in
                _ = try Typing.element(of: args[0], "count", argument: 0)
                return .number
            },
            body: { .number(Amount(try $0.list(0).count)) }),
        end("first", "The first element of the list; null when it is empty.") { $0.first },
        end("last", "The last element of the list; null when it is empty.") { $0.last },
    ]

    private static func end(_ name: String, _ summary: String, pick: @escaping @Sendable ([Value]) -> Value?) -> BuiltinFunction {
        BuiltinFunction(
            name, "\(name)(values: list of T) -> T", summary, arity: 1...1,
            typing: { args in try Typing.element(of: args[0], name, argument: 0).nonOptional.optional(if: true) },
            body: { pick(try $0.list(0)) ?? .null })
    }
}
