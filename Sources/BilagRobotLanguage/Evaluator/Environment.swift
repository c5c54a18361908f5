/// The values of the names an expression may use, for one invoice.
public struct Environment: Sendable {
    /// Every name and its value.
    public private(set) var values: [String: Value]

    /// An environment with these values.
    public init(_ values: [String: Value] = [:]) {
        self.values = values
    }

    /// This environment with `name` set to `value`.
    public func adding(_ name: String, _ value: Value) -> Environment {
        var copy = self
        copy.values[name] = value
        return copy
    }

    /// Sets `name` to `value` in place (a step's result: no copy of every other name, as `adding` makes).
    public mutating func set(_ name: String, _ value: Value) {
        values[name] = value
    }

    /// The value of `name`, if set.
    public subscript(name: String) -> Value? { values[name] }
}
