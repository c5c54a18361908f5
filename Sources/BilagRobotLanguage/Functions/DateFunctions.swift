import BilagCore

/// Date functions: `days_between`, `add_days`, `year_of`, `month_of`, `day_of`, `month_start`, `period_key`.
enum DateFunctions {
    /// The cadences `period_key` knows.
    static let cadences = ["monthly", "quarterly", "yearly"]

    /// The functions of this group.
    static let all: [BuiltinFunction] = [
        BuiltinFunction(
            "days_between", "days_between(from: date, to: date) -> number",
            "The days from `from` to `to` (to − from; negative when `to` is earlier).",
            params: [.date, .date], returns: .number
        ) { .number(Amount(try $0.date(1).dayNumber - $0.date(0).dayNumber)) },
        BuiltinFunction(
            "add_days", "add_days(d: date, days: number) -> date", "The date `days` days after d (before, when negative).",
            params: [.date, .number], returns: .date
        ) { .date(try DateArithmetic.adding(try $0.whole(1), to: try $0.date(0))) },
        BuiltinFunction(
            "year_of", "year_of(d: date) -> number", "The year, e.g. 2026.", params: [.date], returns: .number
        ) { .number(Amount(try $0.date(0).year)) },
        BuiltinFunction(
            "month_of", "month_of(d: date) -> number", "The month, 1–12.", params: [.date], returns: .number
        ) { .number(Amount(try $0.date(0).month)) },
        BuiltinFunction(
            "day_of", "day_of(d: date) -> number", "The day of the month, 1–31.", params: [.date], returns: .number
        ) { .number(Amount(try $0.date(0).day)) },
        BuiltinFunction(
            "month_start", "month_start(d: date) -> date", "The first day of d's month.", params: [.date], returns: .date
        ) { args in
            let d = try args.date(0)
            return .date(LocalDate(year: d.year, month: d.month, day: 1)!)
        },
        BuiltinFunction(
            "period_key", "period_key(d: date, cadence: \"monthly\" | \"quarterly\" | \"yearly\") -> string",
            "The period d falls in: 2026-11, 2026-Q4 or 2026.",
            params: [.date, .string], returns: .string,
            literalCheck: { literals in
                guard case .string(let cadence)? = literals[1], !cadences.contains(cadence) else { return nil }
                return FunctionTypeError(argument: 1, message: "the cadence of period_key must be \"monthly\", \"quarterly\" or \"yearly\", not \(Value.string(cadence))")
            }
        ) { args in .string(try periodKey(try args.date(0), try args.string(1))) },
    ]

    /// `2026-11`, `2026-Q4` or `2026` for `d` and `cadence`.
    static func periodKey(_ d: LocalDate, _ cadence: String) throws -> String {
        let year = String(d.description.prefix(4))
        switch cadence {
        case "monthly": return String(d.description.prefix(7))
        case "quarterly": return "\(year)-Q\((d.month - 1) / 3 + 1)"
        case "yearly": return year
        default: throw EvaluationFailure("the cadence of period_key must be \"monthly\", \"quarterly\" or \"yearly\", not \(Value.string(cadence))", argument: 1)
        }
    }
}
