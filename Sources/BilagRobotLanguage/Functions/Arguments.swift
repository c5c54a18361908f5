import BilagCore

/// The evaluated arguments of a call, with typed accessors that fail cleanly on a value of the wrong kind
/// (possible only where the robot declared `any`).
struct Arguments {
    /// The function called, for messages.
    let function: String
    /// The argument values.
    let values: [Value]
    /// The compiled literal pattern, for regex functions.
    let regex: CompiledRegex?

    /// How many arguments were given.
    var count: Int { values.count }
    /// The argument at `i`.
    subscript(i: Int) -> Value { values[i] }

    /// Argument `i` as a number.
    func number(_ i: Int) throws -> Amount {
        if case .number(let n) = values[i] { return n }
        throw wrong(i, "a number")
    }

    /// Argument `i` as a string.
    func string(_ i: Int) throws -> String {
        if case .string(let s) = values[i] { return s }
        throw wrong(i, "a string")
    }

    /// Argument `i` as a date.
    func date(_ i: Int) throws -> LocalDate {
        if case .date(let d) = values[i] { return d }
        throw wrong(i, "a date")
    }

    /// Argument `i` as a list.
    func list(_ i: Int) throws -> [Value] {
        if case .list(let items) = values[i] { return items }
        throw wrong(i, "a list")
    }

    /// Argument `i` as a whole number.
    func whole(_ i: Int) throws -> Int {
        let n = try number(i)
        guard let w = DecimalArithmetic.whole(n) else {
            throw EvaluationFailure("argument \(i + 1) of \(function) must be a whole number, not \(n)", argument: i)
        }
        return w
    }

    /// The failure for argument `i` not being `expected`.
    func wrong(_ i: Int, _ expected: String) -> EvaluationFailure {
        EvaluationFailure("argument \(i + 1) of \(function) must be \(expected), but it is \(values[i].kindPhrase)", argument: i)
    }
}
