/// The names an expression may use and their types: the invoice, earlier steps' results, tables.
public struct TypeEnvironment: Sendable {
    /// Every name and its type.
    public private(set) var variables: [String: ValueType]

    /// An environment with these names.
    public init(_ variables: [String: ValueType] = [:]) {
        self.variables = variables
    }

    /// This environment with `name` added (or replaced).
    public func adding(_ name: String, _ type: ValueType) -> TypeEnvironment {
        var copy = self
        copy.variables[name] = type
        return copy
    }

    /// The type of `name`, if it is known.
    public subscript(name: String) -> ValueType? { variables[name] }
}
