import BilagCore

/// Splits expression text into tokens, reporting mistakes a clerk is likely to make (`=`, `&&`, curly quotes).
struct Lexer {
    /// The most digits a number literal may have.
    static let maxDigits = 30

    private let s: [Unicode.Scalar]
    private let map: SourceMap
    private var i = 0

    /// A lexer over `scalars`, locating errors with `map`.
    init(_ scalars: [Unicode.Scalar], map: SourceMap) {
        self.s = scalars
        self.map = map
    }

    /// All tokens, ending with one `.end` token.
    mutating func tokenize() throws -> [Token] {
        var tokens: [Token] = []
        while true {
            while i < s.count, Self.isSpace(s[i]) { i += 1 }
            guard i < s.count else {
                tokens.append(Token(kind: .end, text: "", number: nil, offset: s.count))
                return tokens
            }
            tokens.append(try next())
        }
    }

    private mutating func next() throws -> Token {
        let start = i
        let c = s[i]
        if Self.isDigit(c) { return try number() }
        if Self.isNameStart(c) { return try name() }
        if c == "\"" || c == "'" { return try string(quote: c) }
        func op(_ kind: TokenKind, _ length: Int) -> Token {
            i += length
            return Token(kind: kind, text: String(String.UnicodeScalarView(s[start..<i])), number: nil, offset: start)
        }
        let following = i + 1 < s.count ? s[i + 1] : nil
        switch c {
        case "(": return op(.leftParen, 1)
        case ")": return op(.rightParen, 1)
        case "[": return op(.leftBracket, 1)
        case "]": return op(.rightBracket, 1)
        case ",": return op(.comma, 1)
        case ".": return op(.dot, 1)
        case "+": return op(.plus, 1)
        case "-": return op(.minus, 1)
        case "*": return op(.star, 1)
        case "/": return op(.slash, 1)
        case "=":
            if following == "=" { return op(.equal, 2) }
            throw map.error("a single `=` is not an operator: write `==` to compare", at: start)
        case "!":
            if following == "=" { return op(.notEqual, 2) }
            throw map.error("write `not` instead of `!`", at: start)
        case "<":
            if following == "=" { return op(.lessEqual, 2) }
            if following == ">" { throw map.error("write `!=` for 'not equal'", at: start) }
            return op(.less, 1)
        case ">":
            if following == "=" { return op(.greaterEqual, 2) }
            return op(.greater, 1)
        case "?":
            if following == "?" { return op(.coalesce, 2) }
            throw map.error("a single `?` is not an operator: `x ?? y` gives y when x is null", at: start)
        case "&": throw map.error("write `and` instead of `&`/`&&`", at: start)
        case "|": throw map.error("write `or` instead of `|`/`||`", at: start)
        case "{", "}": throw map.error("braces belong in messages only; in an expression use ( ) to group", at: start)
        case "\u{201C}", "\u{201D}", "\u{201E}", "\u{2018}", "\u{2019}", "\u{00AB}", "\u{00BB}":
            throw map.error("use straight quotes \" or ' around a text, not \(c)", at: start)
        case "\u{2013}", "\u{2014}", "\u{2212}":
            throw map.error("use the plain minus sign - instead of \(c)", at: start)
        default:
            if c.properties.isAlphabetic {
                throw map.error("names may only use the letters A–Z and a–z, digits and _ (found \(c))", at: start)
            }
            throw map.error("unexpected character \(c)", at: start)
        }
    }

    private mutating func number() throws -> Token {
        let start = i
        var digits = 0
        while i < s.count, Self.isDigit(s[i]) { i += 1; digits += 1 }
        // `0101901234` (a CPR, an account, an EAN written without quotes) would become the number 101901234.
        // (`2026-01-31` written bare is a date, for which the checker has its own message.)
        if digits > 1, s[start] == "0", !(start > 0 && s[start - 1] == "-") {
            let text = String(String.UnicodeScalarView(s[start..<i]))
            throw map.error("\(text) begins with 0: as a number it would lose its leading zero; an identifier (a CPR, an account, an EAN) is text: write it in quotes, '\"\(text)\"'", at: start)
        }
        if i + 1 < s.count, s[i] == ".", Self.isDigit(s[i + 1]) {
            i += 1
            while i < s.count, Self.isDigit(s[i]) { i += 1; digits += 1 }
        }
        if i < s.count, Self.isNameStart(s[i]) || s[i].properties.isAlphabetic {
            throw map.error("a number cannot be followed directly by a letter", at: i)
        }
        guard digits <= Self.maxDigits else { throw map.error("a number may have at most \(Self.maxDigits) digits", at: start) }
        let text = String(String.UnicodeScalarView(s[start..<i]))
        guard let amount = Amount(parsing: text) else { throw map.error("\(text) is not a number", at: start) }
        return Token(kind: .number, text: text, number: amount, offset: start)
    }

    private mutating func name() throws -> Token {
        let start = i
        while i < s.count, Self.isNameStart(s[i]) || Self.isDigit(s[i]) { i += 1 }
        if i < s.count, s[i].properties.isAlphabetic {
            throw map.error("names may only use the letters A–Z and a–z, digits and _ (found \(s[i]))", at: i)
        }
        let text = String(String.UnicodeScalarView(s[start..<i]))
        return Token(kind: TokenKind.keywords[text] ?? .identifier, text: text, number: nil, offset: start)
    }

    /// A quoted text. `\"`, `\'`, `\\`, `\n` and `\t` are escapes; a backslash before any other character is
    /// kept as written, so a regular expression may be written `"\d{4}"` as well as `"\\d{4}"`.
    private mutating func string(quote: Unicode.Scalar) throws -> Token {
        let start = i
        i += 1
        var value = String.UnicodeScalarView()
        while true {
            guard i < s.count else { throw map.error("this text has no closing \(quote)", at: start) }
            let c = s[i]
            if c == quote { i += 1; break }
            if c == "\n" { throw map.error("this text is not closed on its line: add the closing \(quote) (write \\n for a line break)", at: start) }
            if c == "\\", i + 1 < s.count {
                let e = s[i + 1]
                switch e {
                case "\"", "'", "\\": value.append(e)
                case "n": value.append("\n")
                case "t": value.append("\t")
                default: value.append(c); value.append(e)
                }
                i += 2
                continue
            }
            value.append(c)
            i += 1
        }
        return Token(kind: .string, text: String(value), number: nil, offset: start)
    }

    private static func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{00A0}" }
    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 48 && c.value <= 57 }
    private static func isNameStart(_ c: Unicode.Scalar) -> Bool {
        (c.value >= 65 && c.value <= 90) || (c.value >= 97 && c.value <= 122) || c == "_"
    }
}
