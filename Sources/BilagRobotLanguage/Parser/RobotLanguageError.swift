/// A mistake in a robot's expression or message found at load time: syntax, an unknown name or function,
/// a wrong argument count, a type error or an invalid literal pattern or date.
public struct RobotLanguageError: Error, CustomStringConvertible, Sendable {
    /// Where the mistake is.
    public var location: SourceLocation
    /// What is wrong, in words a clerk understands.
    public var message: String

    /// An error at `location`.
    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = message
    }

    /// `file:line:column: message`.
    public var description: String { "\(location): \(message)" }
}
