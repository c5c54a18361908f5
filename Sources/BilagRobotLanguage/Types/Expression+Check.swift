/// Load-time checking of an expression against the names a step can see.
extension Expression {
    /// The type of the expression in `env`; throws a `RobotLanguageError` for an unknown name, field or a type
    /// error (a date compared with a number, `and` on a number, a function given the wrong kind of value).
    public func check(in env: TypeEnvironment) throws -> ValueType {
        try TypeChecker(map: map, env: env).type(of: root)
    }

    /// Checks the expression and that its value fits `expected` (`.bool` for a `check` or `match` condition);
    /// returns its type.
    @discardableResult
    public func check(in env: TypeEnvironment, expecting expected: ValueType) throws -> ValueType {
        let type = try check(in: env)
        guard expected.accepts(type) else {
            let what = expected.nonOptional == .bool ? "a condition must be true or false" : "this must be \(expected.phrase)"
            throw RobotLanguageError(location: location, message: "\(what), but `\(source)` gives \(type.phrase)")
        }
        return type
    }
}
