/// A failure while evaluating an expression for one invoice: division by zero, a regex input over the limit,
/// a value of the wrong kind where the robot declared `any`.
public struct EvaluationError: Error, CustomStringConvertible, Sendable {
    /// Where in the robot file the failing part is.
    public var location: SourceLocation
    /// What went wrong.
    public var message: String

    /// An error at `location`.
    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = message
    }

    /// `file:line:column: message`.
    public var description: String { "\(location): \(message)" }
}
