/// A mistake in a robot's expression or message found at load time: syntax, an unknown name or function,
/// a wrong argument count, a type error or an invalid literal pattern or date.
public struct RobotLanguageError: Error, CustomStringConvertible, Sendable {
    /// Where the mistake is.
    public var location: SourceLocation
    /// What is wrong, in words a clerk understands.
    public var message: String
    /// Further mistakes found in the same file after this one (a robot file reports all its mistakes at once).
    public var others: [RobotLanguageError] = []

    /// An error at `location`.
    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = message
    }

    /// `file:line:column: message`, one line per mistake.
    public var description: String { ([self] + others).map { "\($0.location): \($0.message)" }.joined(separator: "\n") }

    /// Every mistake: this one and the others.
    public var all: [RobotLanguageError] {
        var first = self
        first.others = []
        return [first] + others
    }
}
