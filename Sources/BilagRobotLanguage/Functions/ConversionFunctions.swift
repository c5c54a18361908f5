import BilagCore

/// `coalesce`, `date`, `number` and `text`.
enum ConversionFunctions {
    /// The functions of this group.
    static let all: [BuiltinFunction] = [
        BuiltinFunction(
            "coalesce", "coalesce(a: T, b: T, …) -> T", "The first argument that is not null (null when all are).",
            arity: 1...Int.max, propagatesNull: false,
            typing: { args in
                let common = try Typing.common(args, "coalesce")
                return common.nonOptional.optional(if: args.allSatisfy(\.isOptional))
            },
            body: { args in args.values.first(where: { !$0.isNull }) ?? .null }),
        BuiltinFunction(
            "date", "date(s: string) -> date",
            "The date written YYYY-MM-DD in s; null when s is no such date. A literal, date(\"2026-01-31\"), is checked when the robot loads.",
            params: [.string], returns: .optional(.date),
            literalCheck: { literals in
                guard case .string(let s)? = literals[0], parseDate(s) == nil else { return nil }
                return FunctionTypeError(argument: 0, message: "\(Value.string(s)) is not a valid date: write date(\"YYYY-MM-DD\"), e.g. date(\"2026-01-31\")")
            }
        ) { args in
            if case .date = args[0] { return args[0] }
            return parseDate(try args.string(0)).map(Value.date) ?? .null
        },
        BuiltinFunction(
            "number", "number(s: string) -> number", "The decimal number written in s (`1250.50`, `-3`); null when s is no number.",
            params: [.string], returns: .optional(.number)
        ) { args in
            if case .number = args[0] { return args[0] }
            return Amount(parsing: try args.string(0)).map(Value.number) ?? .null
        },
        BuiltinFunction(
            "text", "text(x: any) -> string", "x as text: numbers with their decimals (1250.50), dates YYYY-MM-DD, lists as a, b, c.",
            params: [.any], returns: .string
        ) { .string($0[0].displayText) },
    ]

    /// A date written exactly `YYYY-MM-DD` (spaces around allowed), or nil.
    static func parseDate(_ s: String) -> LocalDate? {
        let trimmed = s.trimmingWhitespace(includingNewlines: false)
        guard trimmed.utf8.count == 10 else { return nil }
        return LocalDate(parsing: trimmed)
    }
}
