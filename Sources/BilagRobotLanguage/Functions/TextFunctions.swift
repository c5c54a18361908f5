import BilagCore
import Foundation

/// Text functions: case, trimming, length, searching, replacing, cutting and `regex_find`.
enum TextFunctions {
    /// The functions of this group.
    static let all: [BuiltinFunction] = [
        text("upper", "The text in upper case.") { $0.uppercased() },
        text("lower", "The text in lower case.") { $0.lowercased() },
        text("trim", "The text without spaces and line breaks at either end.") { $0.trimmingWhitespace() },
        text("digits", "Only the digits 0–9 of the text: digits(\"DK 1234-5678\") is \"12345678\".") {
            String(String.UnicodeScalarView($0.unicodeScalars.filter { $0.value >= 48 && $0.value <= 57 }))
        },
        BuiltinFunction(
            "length", "length(value: string | list) -> number", "The number of characters of a text, or of elements of a list.",
            arity: 1...1,
            typing: { args in
                let t = args[0].nonOptional
                guard t.isAny || t == .string || { if case .list = t { return true } else { return false } }() else {
                    throw FunctionTypeError(argument: 0, message: "length needs a string or a list, but this is \(t.phrase)")
                }
                return .number
            },
            body: { args in
                switch args[0] {
                case .string(let s): return .number(Amount(s.count))
                case .list(let items): return .number(Amount(items.count))
                default: throw args.wrong(0, "a string or a list")
                }
            }),
        test("starts_with", "prefix", "Whether s begins with prefix.") { $0.hasPrefix($1) },
        test("ends_with", "suffix", "Whether s ends with suffix.") { $0.hasSuffix($1) },
        BuiltinFunction(
            "contains", "contains(s: string, part: string) -> bool  or  contains(values: list of T, value: T) -> bool",
            "Whether part occurs in s, or value is an element of the list (the same as `in`).",
            arity: 2...2,
            typing: { args in
                switch args[0].nonOptional {
                case .any: return .bool
                case .list(let element):
                    guard element.unified(with: args[1]) != nil else {
                        throw FunctionTypeError(argument: 1, message: "cannot look for \(args[1].phrase) in \(args[0].phrase)")
                    }
                    return .bool
                case .string:
                    guard ValueType.string.accepts(args[1]) else { throw Typing.mismatch("contains", 1, expected: .string, found: args[1]) }
                    return .bool
                default:
                    throw FunctionTypeError(argument: 0, message: "argument 1 of contains must be a string or a list, but it is \(args[0].phrase)")
                }
            },
            body: { args in
                switch (args[0], args[1]) {
                case (.list(let items), let v): return .bool(items.contains(v))
                case (.string(let s), .string(let part)): return .bool(ValueOrdering.text(s, contains: part))
                default: throw args.wrong(0, "a string or a list")
                }
            }),
        BuiltinFunction(
            "replace", "replace(s: string, old: string, new: string) -> string", "s with every occurrence of old replaced by new.",
            params: [.string, .string, .string], returns: .string
        ) { args in
            let s = try args.string(0), old = try args.string(1), new = try args.string(2)
            return .string(old.isEmpty ? s : s.replacingOccurrences(of: old, with: new))
        },
        BuiltinFunction(
            "substring", "substring(s: string, start: number, length: number) -> string",
            "`length` characters of s from position `start`, counted from 0: substring(\"DK12345678\", 2, 8) is \"12345678\"; cut short at the end of s.",
            params: [.string, .number, .number], returns: .string
        ) { args in
            let s = try args.string(0), start = try args.whole(1), length = try args.whole(2)
            guard start >= 0 else { throw EvaluationFailure("the start of substring must not be negative", argument: 1) }
            guard length >= 0 else { throw EvaluationFailure("the length of substring must not be negative", argument: 2) }
            return .string(String(s.dropFirst(start).prefix(length)))
        },
        BuiltinFunction(
            "regex_find", "regex_find(s: string | list of string, pattern: string) -> string",
            "The first match of the pattern in s, or its first capture group when it has one; null when nothing matches. Given a list (`invoice.texts + invoice.identifiers`), the first match in the first text that has one.",
            arity: 2...2, patternArgument: 1,
            typing: { args in try textsOrText(args, "regex_find"); return .optional(.string) }
        ) { args in
            try matching(args) { regex, texts in
                for text in texts { if let m = try regex.firstMatch(in: text) { return .string(m) } }
                return .null
            }
        },
    ]

    /// `regex_all`: every match in order.
    static let regexAll = BuiltinFunction(
        "regex_all", "regex_all(s: string | list of string, pattern: string) -> list of string",
        "Every match of the pattern (its first capture group when it has one), in order, in s or in each text of the list; an empty list when none.",
        arity: 2...2, patternArgument: 1,
        typing: { args in try textsOrText(args, "regex_all"); return .list(.string) }
    ) { args in
        try matching(args) { regex, texts in .list(try texts.flatMap { try regex.allMatches(in: $0) }.map(Value.string)) }
    }

    /// Runs `body` with the compiled pattern and the texts of argument 1; a text over the cap is argument 1's fault.
    static func matching(_ args: Arguments, _ body: (CompiledRegex, [String]) throws -> Value) throws -> Value {
        guard let regex = args.regex else { throw EvaluationFailure("\(args.function) needs a literal pattern") }
        do {
            return try body(regex, try texts(args))
        } catch let failure as EvaluationFailure {
            throw EvaluationFailure(failure.message, argument: 0)
        }
    }

    /// Checks that argument 1 is a string or a list of strings, and argument 2 a string.
    static func textsOrText(_ args: [ValueType], _ name: String) throws {
        switch args[0].nonOptional {
        case .any, .string: break
        case .list(let element) where ValueType.string.accepts(element): break
        default: throw FunctionTypeError(argument: 0, message: "argument 1 of \(name) must be a string or a list of strings, but it is \(args[0].phrase)")
        }
        guard ValueType.string.accepts(args[1]) else { throw Typing.mismatch(name, 1, expected: .string, found: args[1]) }
    }

    /// Argument 0 as texts: the string, or the list's strings (nulls left out); each is matched on its own.
    static func texts(_ args: Arguments) throws -> [String] {
        switch args.values[0] {
        case .string(let s): return [s]
        case .list(let items):
            return try items.compactMap { v -> String? in
                switch v {
                case .null: return nil
                case .string(let s): return s
                default: throw args.wrong(0, "a string or a list of strings")
                }
            }
        default: throw args.wrong(0, "a string or a list of strings")
        }
    }

    private static func text(_ name: String, _ summary: String, _ f: @escaping @Sendable (String) -> String) -> BuiltinFunction {
        BuiltinFunction(name, "\(name)(s: string) -> string", summary, params: [.string], returns: .string) { .string(f(try $0.string(0))) }
    }

    private static func test(_ name: String, _ part: String, _ summary: String, _ f: @escaping @Sendable (String, String) -> Bool) -> BuiltinFunction {
        BuiltinFunction(name, "\(name)(s: string, \(part): string) -> bool", summary, params: [.string, .string], returns: .bool) {
            .bool(f(try $0.string(0), try $0.string(1)))
        }
    }
}
