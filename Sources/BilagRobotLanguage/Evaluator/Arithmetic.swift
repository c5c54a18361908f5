import BilagCore

/// The run-time meaning of `+ - * /` on non-null values.
enum Arithmetic {
    /// `a op b`: numbers; `+` also joins strings and lists; a date plus or minus days; date minus date in days.
    static func apply(_ op: ArithmeticOperator, _ a: Value, _ b: Value) throws -> Value {
        switch (op, a, b) {
        case (.add, .number(let x), .number(let y)): return .number(try DecimalArithmetic.add(x, y))
        case (.subtract, .number(let x), .number(let y)): return .number(try DecimalArithmetic.subtract(x, y))
        case (.multiply, .number(let x), .number(let y)): return .number(try DecimalArithmetic.multiply(x, y))
        case (.divide, .number(let x), .number(let y)): return .number(try DecimalArithmetic.divide(x, y))
        case (.add, .string(let x), .string(let y)): return .string(x + y)
        case (.add, .list(let x), .list(let y)): return .list(x + y)
        case (.add, .date(let d), .number(let n)), (.add, .number(let n), .date(let d)):
            return .date(try DateArithmetic.adding(try DateArithmetic.days(n), to: d))
        case (.subtract, .date(let d), .number(let n)):
            return .date(try DateArithmetic.adding(-(try DateArithmetic.days(n)), to: d))
        case (.subtract, .date(let x), .date(let y)):
            return .number(Amount(x.dayNumber - y.dayNumber))
        default:
            throw EvaluationFailure("`\(op.rawValue)` does not work on \(a.kindPhrase) and \(b.kindPhrase)")
        }
    }
}
