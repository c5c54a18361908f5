/// The registry of built-in functions and their typed signatures, used by the parser, checker and evaluator.
public struct FunctionTable: Sendable {
    /// Every function the robot language offers.
    public static let standard = FunctionTable(
        NumberFunctions.all + ListFunctions.all + DateFunctions.all + TextFunctions.all + [TextFunctions.regexAll] + IdentifierFunctions.all
            + ConversionFunctions.all)

    private let byName: [String: BuiltinFunction]

    /// A table of `functions` (names must be unique).
    init(_ functions: [BuiltinFunction]) {
        byName = Dictionary(uniqueKeysWithValues: functions.map { ($0.name, $0) })
    }

    /// The function called `name`, if there is one.
    public subscript(name: String) -> BuiltinFunction? { byName[name] }

    /// Every function, sorted by name (for the robot guide).
    public var all: [BuiltinFunction] { byName.values.sorted { $0.name < $1.name } }

    /// The function names.
    var names: [String] { Array(byName.keys) }
}
