/// A built-in function: its name, its typed signature for the checker and its pure implementation.
public struct BuiltinFunction: Sendable {
    /// The name robots call it by.
    public let name: String
    /// The signature as the robot guide shows it, e.g. `days_between(from: date, to: date) -> number`.
    public let signature: String
    /// What it does, in one line.
    public let summary: String
    /// How many arguments it takes (`Int.max` as the upper bound for "any number").
    public let arity: ClosedRange<Int>
    /// Whether a null argument makes the result null without calling the function (all but `coalesce`).
    let propagatesNull: Bool
    /// The argument that is a regular expression; it must be a literal and is compiled at load time.
    let patternArgument: Int?
    /// A load-time check of literal arguments (a literal date, a literal cadence).
    let literalCheck: (@Sendable ([Value?]) -> FunctionTypeError?)?
    /// The typing rule: the result type for these argument types, or a `FunctionTypeError`.
    let typing: @Sendable ([ValueType]) throws -> ValueType
    /// The implementation; throws `EvaluationFailure`.
    let body: @Sendable (Arguments) throws -> Value

    /// A function; see the properties.
    init(
        _ name: String, _ signature: String, _ summary: String, arity: ClosedRange<Int>, propagatesNull: Bool = true,
        patternArgument: Int? = nil, literalCheck: (@Sendable ([Value?]) -> FunctionTypeError?)? = nil,
        typing: @escaping @Sendable ([ValueType]) throws -> ValueType, body: @escaping @Sendable (Arguments) throws -> Value
    ) {
        self.name = name
        self.signature = signature
        self.summary = summary
        self.arity = arity
        self.propagatesNull = propagatesNull
        self.patternArgument = patternArgument
        self.literalCheck = literalCheck
        self.typing = typing
        self.body = body
    }

    /// A function whose parameters have fixed types; the last `params.count - required` are optional.
    init(
        _ name: String, _ signature: String, _ summary: String, params: [ValueType], required: Int? = nil, returns: ValueType,
        patternArgument: Int? = nil, literalCheck: (@Sendable ([Value?]) -> FunctionTypeError?)? = nil,
        body: @escaping @Sendable (Arguments) throws -> Value
    ) {
        self.init(
            name, signature, summary, arity: (required ?? params.count)...params.count, patternArgument: patternArgument,
            literalCheck: literalCheck, typing: Typing.fixed(name, params, returns: returns), body: body)
    }

    /// "2 arguments", "1 or 2 arguments", "at least 1 argument".
    var arityText: String {
        func count(_ n: Int) -> String { n == 1 ? "1 argument" : "\(n) arguments" }
        if arity.upperBound == Int.max { return "at least \(count(arity.lowerBound))" }
        if arity.lowerBound == arity.upperBound { return count(arity.lowerBound) }
        if arity.upperBound == arity.lowerBound + 1 { return "\(arity.lowerBound) or \(count(arity.upperBound))" }
        return "\(arity.lowerBound) to \(count(arity.upperBound))"
    }

    /// Calls the function on evaluated arguments, honouring null propagation.
    func invoke(_ values: [Value], regex: CompiledRegex?) throws -> Value {
        if propagatesNull, values.contains(where: \.isNull) { return .null }
        return try body(Arguments(function: name, values: values, regex: regex))
    }
}
