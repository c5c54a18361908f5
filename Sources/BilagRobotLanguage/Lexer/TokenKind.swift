/// The kinds of token in an expression.
enum TokenKind: Equatable, Sendable {
    case identifier, number, string
    case and, or, not, `in`, between, matches, `true`, `false`, null
    case leftParen, rightParen, leftBracket, rightBracket, comma, dot
    case plus, minus, star, slash
    case equal, notEqual, less, lessEqual, greater, greaterEqual
    case coalesce
    case end

    /// The reserved words and their kinds. Keywords are written in lower case.
    static let keywords: [String: TokenKind] = [
        "and": .and, "or": .or, "not": .not, "in": .in, "between": .between, "matches": .matches,
        "true": .true, "false": .false, "null": .null,
    ]

    /// Whether this kind is a reserved word (which may still name a field after a dot).
    var isKeyword: Bool {
        switch self {
        case .and, .or, .not, .in, .between, .matches, .true, .false, .null: return true
        default: return false
        }
    }
}
