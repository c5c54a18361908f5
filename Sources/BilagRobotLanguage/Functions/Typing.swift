/// Typing rules shared by the built-in functions' signatures.
enum Typing {
    /// A rule checking each argument against a fixed parameter type.
    static func fixed(_ name: String, _ params: [ValueType], returns: ValueType) -> @Sendable ([ValueType]) throws -> ValueType {
        { args in
            for (i, t) in args.enumerated() where !params[i].accepts(t) { throw mismatch(name, i, expected: params[i], found: t) }
            return returns
        }
    }

    /// "argument 2 of days_between must be a date, but it is a string (date(x) reads a date from a string)".
    static func mismatch(_ name: String, _ i: Int, expected: ValueType, found: ValueType) -> FunctionTypeError {
        var hint = ""
        switch (expected.nonOptional, found.nonOptional) {
        case (.date, .string): hint = " (date(x) reads a date from a string)"
        case (.number, .string): hint = " (number(x) reads a number from a string)"
        case (.string, .number), (.string, .date): hint = " (text(x) turns it into a string)"
        default: break
        }
        return FunctionTypeError(argument: i, message: "argument \(i + 1) of \(name) must be \(expected.phrase), but it is \(found.phrase)\(hint)")
    }

    /// The element type of a list argument, or a `FunctionTypeError` when it is no list (`any` gives `any`).
    static func element(of t: ValueType, _ name: String, argument: Int) throws -> ValueType {
        switch t.nonOptional {
        case .any: return .any
        case .list(let element): return element
        default: throw FunctionTypeError(argument: argument, message: "argument \(argument + 1) of \(name) must be a list, but it is \(t.phrase)")
        }
    }

    /// The one type all `args` fit into, or a `FunctionTypeError` at the first that does not.
    static func common(_ args: [ValueType], _ name: String) throws -> ValueType {
        var common = args[0]
        for (i, t) in args.enumerated().dropFirst() {
            guard let u = common.unified(with: t) else {
                throw FunctionTypeError(argument: i, message: "the values given to \(name) must have one type, but this is \(t.phrase) and the first is \(args[0].phrase)")
            }
            common = u
        }
        return common
    }
}
