/// The XML syntax a document was written in.
public enum Syntax: String, Codable, Sendable {
    case ubl
    case cii
}
