/// The logical operators `and` and `or` (three-valued: null is "unknown").
enum LogicalOperator: String, Sendable {
    case and, or
}
