/// A piece of a message template: literal text or an `{expression}`.
enum TemplatePart: Sendable {
    case text(String)
    case expression(Expression)
}
