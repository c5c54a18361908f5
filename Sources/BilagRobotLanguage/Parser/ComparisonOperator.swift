/// The comparison operators `== != < <= > >=`.
enum ComparisonOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="

    /// Whether this operator only asks for equality (and so works on every type).
    var isEquality: Bool { self == .equal || self == .notEqual }

    /// The operator for a token kind, if it is one.
    init?(_ kind: TokenKind) {
        switch kind {
        case .equal: self = .equal
        case .notEqual: self = .notEqual
        case .less: self = .less
        case .lessEqual: self = .lessEqual
        case .greater: self = .greater
        case .greaterEqual: self = .greaterEqual
        default: return nil
        }
    }
}
