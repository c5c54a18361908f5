/// A parsed robot expression such as `invoice.amount_due between tariff.min_amount and tariff.max_amount`.
///
/// Parse once when the robot loads, `check` it against the names the step can see, then `evaluate` it for
/// every invoice. The language has no loops, no recursion, no user functions and no I/O, and an expression
/// tree is at most `Parser.maxDepth` deep: every evaluation terminates, quickly.
public struct Expression: Sendable, CustomStringConvertible {
    /// The text as written in the robot file.
    public let source: String
    /// Where the text starts in its file.
    public let location: SourceLocation
    /// The root variable names the expression reads (`invoice` for `invoice.total`), for step dependencies.
    public let referencedNames: Set<String>
    /// The tree.
    let root: Node
    /// Offsets to file locations, for errors.
    let map: SourceMap

    /// Parses `text`, which starts at `location` in its file; errors point inside the text.
    ///
    /// Throws `RobotLanguageError` for syntax errors, unknown functions, wrong argument counts, invalid literal
    /// dates or cadences and invalid regular expressions.
    public static func parse(_ text: String, at location: SourceLocation) throws -> Expression {
        let scalars = Array(text.unicodeScalars)
        let map = SourceMap(scalars, origin: location)
        var lexer = Lexer(scalars, map: map)
        var parser = Parser(tokens: try lexer.tokenize(), map: map, functions: .standard)
        let root = try parser.parseExpression()
        return Expression(source: text, location: location, referencedNames: parser.names, root: root, map: map)
    }

    /// The source text.
    public var description: String { source }

    /// The value when the expression is a constant (a literal, or built from literals only), else nil.
    public var constantValue: Value? { root.literal }
}

/// `Expression` under a name that does not clash with `Foundation.Expression` in files importing Foundation.
public typealias RobotExpression = Expression
