/// A place in a robot file: the file, a 1-based line and a 1-based column (counted in Unicode scalars).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// The file as messages should name it, e.g. `Robots/rent-payments.robot.yaml`.
    public var file: String
    /// The line, starting at 1.
    public var line: Int
    /// The column, starting at 1.
    public var column: Int

    /// A location in `file`.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, as editors and compilers print it.
    public var description: String { "\(file):\(line):\(column)" }
}
