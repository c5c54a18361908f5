/// The values of the names an expression may use, for one invoice.
///
/// Two layers: the invoice's values, shared by every robot that looks at the invoice and never copied, and the few
/// names set on top of them (a robot's tables, its steps' results), which shadow a name of the first layer. A robot's
/// environment is then made without copying the invoice's values (a hashed table of some fifteen names, copied for
/// each robot at each invoice), and a step's result is set without hashing; the names set on top are a handful, found
/// by comparing them (a name of up to 15 bytes compares as two words).
public struct Environment: Sendable {
    /// The first layer: the invoice's values.
    private let base: [String: Value]
    /// The names set on top of `base`, each once, in the order they were first set, and their values (kept apart, so
    /// a lookup compares names without copying, retaining and releasing every value it passes).
    private var setNames: [String] = []
    private var setValues: [Value] = []

    /// An environment with these values.
    public init(_ values: [String: Value] = [:]) {
        base = values
    }

    /// Every name and its value.
    public var values: [String: Value] {
        var all = base
        for (n, v) in zip(setNames, setValues) { all[n] = v }
        return all
    }

    /// This environment with `name` set to `value`.
    public func adding(_ name: String, _ value: Value) -> Environment {
        var copy = self
        copy.set(name, value)
        return copy
    }

    /// Sets `name` to `value` in place (a step's result).
    public mutating func set(_ name: String, _ value: Value) {
        if let i = setIndex(name) { setValues[i] = value; return }
        // Room for a robot's tables and its steps' names at once, not grown one name at a time.
        if setNames.isEmpty { setNames.reserveCapacity(16); setValues.reserveCapacity(16) }
        setNames.append(name); setValues.append(value)
    }

    /// The value of `name`, if set.
    public subscript(name: String) -> Value? {
        if let i = setIndex(name) { return setValues[i] }
        return base[name]
    }

    /// Where `name` is among the names set on top; the latest first (a step mostly reads what the steps just before it
    /// set).
    @inline(__always)
    private func setIndex(_ name: String) -> Int? {
        setNames.withUnsafeBufferPointer { names in
            var i = names.count
            while i > 0 {
                i -= 1
                if Self.same(names[i], name) { return i }
            }
            return nil
        }
    }

    /// Whether two names are spelled alike; names of different lengths (most of those compared) are told apart by
    /// their lengths alone, without the general comparison of texts.
    @inline(__always)
    static func same(_ a: String, _ b: String) -> Bool { a.utf8.count == b.utf8.count && a == b }
}
