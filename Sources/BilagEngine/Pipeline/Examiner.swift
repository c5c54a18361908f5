import BilagCore
import BilagFormats
import BilagIntake
import BilagValidation
import Foundation

/// The parse and validate stages for one claimed file; pure and thread-safe, so batches run in parallel.
public struct Examiner: Sendable {
    let validator = Validator()
    public init() {}

    /// What examining one file gave.
    public enum Result: Sendable {
        case quarantine(code: String, message: String)
        case parsed(ParsedDocument, ValidationReport)
    }

    public func examine(_ file: ClaimedFile) -> Result {
        switch file.readProblem {
        case let .tooLarge(size, limit)?:
            let e = DocumentError.tooLarge(size: size, limit: limit)
            return .quarantine(code: e.code, message: e.description)
        case let .unreadable(why)?:
            return .quarantine(code: "unreadable", message: why + "; make it readable to the user bilag runs as (its owner and mode), then `bilag queue retry` it")
        case let .notRegularFile(what)?:
            return .quarantine(code: "not-a-regular-file", message: what)
        case let .originalChanged(recorded, now, writtenOn)?:
            let changed = "the kept original was changed after it was claimed (sha256 \(recorded.prefix(16))… when claimed, \(now.prefix(16))… now); it was not decided on the changed bytes. "
            if writtenOn {
                return .quarantine(code: "original-changed", message: changed + "It grew after it was claimed, as a file its sender is still writing grows: the sender paused longer than the channel's quiet period. "
                                   + "Raise the channel's quiet_period_ms (or have the sender deliver by rename), then ask the sender for the invoice again")
            }
            return .quarantine(code: "original-changed", message: changed + "Find out who changed var/originals, then ask the sender for the invoice again")
        case nil: break
        }
        guard let bytes = file.bytes else { return .quarantine(code: "unreadable", message: "the kept original could not be read") }
        return examine(bytes)
    }

    public func examine(_ bytes: Data) -> Result {
        do {
            let doc = try DocumentParser.parse(bytes)
            return .parsed(doc, validator.validate(doc))
        } catch let e as DocumentError {
            return .quarantine(code: e.code, message: e.description)
        } catch {
            return .quarantine(code: "unreadable", message: "\(error)")
        }
    }
}
