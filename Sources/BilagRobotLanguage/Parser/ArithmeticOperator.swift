/// The arithmetic operators `+ - * /`.
enum ArithmeticOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/"
}
