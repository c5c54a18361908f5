/// A function call whose arguments have the wrong types, reported by a signature's typing rule.
struct FunctionTypeError: Error, Sendable {
    /// The argument at fault (0-based), or nil for the call as a whole.
    let argument: Int?
    /// What is wrong.
    let message: String
}
