import Foundation

/// A regular expression compiled once, when the robot loads (ICU syntax, via NSRegularExpression).
///
/// Inputs longer than `maxInput` characters are refused, which bounds the time any match can take.
final class CompiledRegex: Sendable {
    /// The most characters a regex is run on.
    static let maxInput = 10_000

    /// The pattern as written.
    let pattern: String
    /// The compiled expression; NSRegularExpression is immutable and Sendable, safe to share between threads.
    private let regex: NSRegularExpression

    /// Compiles `pattern`; throws when it is not a valid regular expression.
    init(_ pattern: String) throws {
        self.pattern = pattern
        self.regex = try NSRegularExpression(pattern: pattern)
    }

    /// The first match in `text`: the first capture group when the pattern has one (nil when that group did
    /// not take part), else the whole match; nil when nothing matches.
    func firstMatch(in text: String) throws -> String? {
        try Self.checkLength(text)
        let range = NSRange(text.startIndex..., in: text)
        guard let match = regex.firstMatch(in: text, range: range) else { return nil }
        let group = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
        guard group.location != NSNotFound, let r = Range(group, in: text) else { return nil }
        return String(text[r])
    }

    /// Every match in `text`, in order (each its first capture group when the pattern has one and it took part).
    func allMatches(in text: String) throws -> [String] {
        try Self.checkLength(text)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            let group = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
            guard group.location != NSNotFound, let r = Range(group, in: text) else { return nil }
            return String(text[r])
        }
    }

    /// Whether the pattern matches anywhere in `text` (anchor it with `^…$` to match the whole text).
    func matches(_ text: String) throws -> Bool {
        try Self.checkLength(text)
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    private static func checkLength(_ text: String) throws {
        if text.utf8.count > maxInput, text.count > maxInput {
            throw EvaluationFailure("a regular expression is run on at most \(maxInput) characters, but this text has \(text.count)")
        }
    }
}
