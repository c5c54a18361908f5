/// A run-time failure inside an operator or a function, located by the evaluator at the node that caused it.
struct EvaluationFailure: Error, Sendable {
    /// What went wrong.
    let message: String
    /// The argument at fault (0-based) when a function reports it.
    let argument: Int?

    /// A failure, optionally blaming one argument.
    init(_ message: String, argument: Int? = nil) {
        self.message = message
        self.argument = argument
    }
}
