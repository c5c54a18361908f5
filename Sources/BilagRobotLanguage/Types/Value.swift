import BilagCore

/// A value an expression works with. Numbers (money included) are exact decimals, never floating point;
/// `null` stands for a missing value.
public enum Value: Hashable, Sendable {
    /// A missing value.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An exact decimal number that keeps its written scale (`1250.50`).
    case number(Amount)
    /// A text.
    case string(String)
    /// A calendar date.
    case date(LocalDate)
    /// A list of values.
    case list([Value])
    /// Named fields.
    case record([String: Value])

    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The type of this value as the checker would see a literal of it.
    public var staticType: ValueType {
        switch self {
        case .null: return ValueType.nullType
        case .bool: return .bool
        case .number: return .number
        case .string: return .string
        case .date: return .date
        case .list(let items):
            var element: ValueType?
            for item in items {
                guard let current = element else { element = item.staticType; continue }
                guard let unified = current.unified(with: item.staticType) else { return .list(.any) }
                element = unified
            }
            return .list(element ?? .any)
        case .record(let fields): return .record(fields.mapValues(\.staticType))
        }
    }

    /// A short phrase naming the kind of this value, for run-time messages: "a number", "null".
    var kindPhrase: String {
        switch self {
        case .null: return "null"
        case .bool: return "true/false"
        case .number: return "a number"
        case .string: return "a string"
        case .date: return "a date"
        case .list: return "a list"
        case .record: return "a record"
        }
    }
}
