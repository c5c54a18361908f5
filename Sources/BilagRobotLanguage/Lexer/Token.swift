import BilagCore

/// One token of an expression and where it starts.
struct Token: Sendable {
    /// What the token is.
    let kind: TokenKind
    /// The source text; for a string token its decoded contents.
    let text: String
    /// The value of a number token.
    let number: Amount?
    /// The offset (in Unicode scalars) of its first character in the expression text.
    let offset: Int

    /// The token as a message shows it: `` `)` ``, `the number 12`, `the end of the expression`.
    var display: String {
        switch kind {
        case .end: return "the end of the expression"
        case .number: return "the number \(text)"
        case .string: return "the text \(Value.string(text))"
        case .identifier: return "the name `\(text)`"
        default: return "`\(text)`"
        }
    }
}
