/// The static type of an expression or a variable, as the checker sees it.
///
/// Every value may be null at run time whatever its type (a missing invoice field, a lookup field not
/// answered): null flows through arithmetic and functions and makes comparisons false. `.optional(T)` marks
/// values that are often missing (results that are null when nothing is found); it is accepted wherever `T` is.
/// `.any` turns checking off for a value whose shape is not known (it is then checked when the robot runs).
public indirect enum ValueType: Hashable, Sendable, CustomStringConvertible {
    /// `true` or `false`.
    case bool
    /// An exact decimal number.
    case number
    /// A text.
    case string
    /// A calendar date.
    case date
    /// A list whose elements have one type.
    case list(ValueType)
    /// A record with exactly these fields; reading another field is a load-time error.
    case record([String: ValueType])
    /// Anything; not checked until run time.
    case any
    /// A value of the wrapped type that is often null.
    case optional(ValueType)

    /// The type of the literal `null`.
    static let nullType = ValueType.optional(.any)

    /// Whether this type is marked optional.
    public var isOptional: Bool {
        if case .optional = self { return true }
        return false
    }

    /// The type without its optional mark.
    public var nonOptional: ValueType {
        if case .optional(let inner) = self { return inner.nonOptional }
        return self
    }

    /// This type marked optional when `condition` holds.
    func optional(if condition: Bool) -> ValueType {
        condition && !isOptional ? .optional(self) : self
    }

    /// `number`, `list of string`, `record {id: string, total: number}`, `optional date`.
    public var description: String {
        switch self {
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .date: return "date"
        case .any: return "any"
        case .list(let element): return "list of \(element)"
        case .record(let fields):
            return "record {" + fields.keys.sorted().map { "\($0): \(fields[$0]!)" }.joined(separator: ", ") + "}"
        case .optional(let inner): return "optional \(inner)"
        }
    }

    /// A short phrase for messages: "a number", "a list of string", "true/false (bool)".
    var phrase: String {
        switch self {
        case .bool: return "true/false (bool)"
        case .number: return "a number"
        case .string: return "a string"
        case .date: return "a date"
        case .any: return "a value of any type"
        case .list(let element): return "a list of \(element.nonOptional)"
        case .record: return "a record"
        case .optional(let inner): return inner.phrase
        }
    }
}
