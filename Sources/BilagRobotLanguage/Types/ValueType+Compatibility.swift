/// How types fit together: whether a value may be used where a type is expected, and the common type of two.
extension ValueType {
    /// Whether a value of type `other` may be used where this type is expected (optional marks ignored,
    /// `any` fits everything).
    public func accepts(_ other: ValueType) -> Bool {
        switch (nonOptional, other.nonOptional) {
        case (.any, _), (_, .any): return true
        case (.bool, .bool), (.number, .number), (.string, .string), (.date, .date): return true
        case (.list(let a), .list(let b)): return a.accepts(b)
        case (.record(let a), .record(let b)):
            return a.allSatisfy { name, type in b[name].map { type.accepts($0) } ?? false }
        default: return false
        }
    }

    /// The type both `self` and `other` fit into (for list elements, `??`, `coalesce`, `min`), or nil.
    func unified(with other: ValueType) -> ValueType? {
        if self == ValueType.nullType { return other.optional(if: true) }
        if other == ValueType.nullType { return optional(if: true) }
        let optional = isOptional || other.isOptional
        let base: ValueType
        switch (nonOptional, other.nonOptional) {
        case (.any, _), (_, .any): base = .any
        case (let a, let b) where a == b: base = a
        case (.list(let a), .list(let b)):
            guard let element = a.unified(with: b) else { return nil }
            base = .list(element)
        case (.record(let a), .record(let b)):
            var fields: [String: ValueType] = [:]
            for (name, type) in a {
                guard let otherType = b[name] else { continue }
                guard let common = type.unified(with: otherType) else { return nil }
                fields[name] = common
            }
            base = .record(fields)
        default: return nil
        }
        return base.optional(if: optional)
    }

    /// Whether values of this type have an order (`<`, `min`, `between`): numbers, dates and strings.
    var isOrdered: Bool {
        switch nonOptional {
        case .number, .date, .string: return true
        default: return false
        }
    }

    /// Whether this is `any` (after removing an optional mark).
    var isAny: Bool { nonOptional == .any }
}
