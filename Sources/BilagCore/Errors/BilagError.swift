/// A typed error that tells the operator what happened and what to do about it.
public protocol OperatorFacingError: Error, CustomStringConvertible {
    /// A stable machine-readable code, e.g. `config-invalid`.
    var code: String { get }
    /// What happened, for a person.
    var message: String { get }
    /// What to do about it.
    var remedy: String { get }
}

extension OperatorFacingError {
    public var description: String { remedy.isEmpty ? "\(code): \(message)" : "\(code): \(message) — \(remedy)" }
}

/// Errors in configuration, files and state that stop a command.
public struct BilagError: OperatorFacingError, Equatable {
    public let code: String
    public let message: String
    public let remedy: String
    public init(_ code: String, _ message: String, remedy: String = "") {
        self.code = code; self.message = message; self.remedy = remedy
    }
}
