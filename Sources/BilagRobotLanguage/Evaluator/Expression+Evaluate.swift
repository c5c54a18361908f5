/// Evaluation of a parsed (and checked) expression for one invoice.
extension Expression {
    /// The value of the expression in `env`. Always terminates: the language has no loops, recursion, user
    /// functions or I/O. Throws `EvaluationError` for division by zero, a regex input over 10,000 characters,
    /// or a value of the wrong kind where a type was declared `any`.
    public func evaluate(in env: Environment) throws -> Value {
        try Evaluator(map: map, env: env).value(root)
    }

    /// Whether the expression is `true` in `env`; false and null (a missing value) do not hold.
    public func holds(in env: Environment) throws -> Bool {
        try evaluate(in: env) == .bool(true)
    }
}
