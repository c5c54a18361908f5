import BilagCore
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The Outbox's failure while it lasts, kept in `STATE/outbox-trouble.json`: written when a flush fails (with the
/// error, which names the writer's file or folder, and since when), removed when one succeeds. `bilag status` shows
/// it, and `bilag run --once` fails with it: before, a bank folder bilag could not write left payments "filed" in a
/// file that did not exist while every command said all was well.
public struct OutboxTrouble: Codable, Sendable, Equatable {
    public var since: String
    public var error: String
    public var remedy: String?

    public static func path(stateDirectory: String) -> String { stateDirectory + "/outbox-trouble.json" }

    /// The failure as the last flush left it, or nil when the Outbox was written.
    public static func read(stateDirectory: String) -> OutboxTrouble? {
        FileIO.read(path(stateDirectory: stateDirectory)).flatMap { try? JSONDecoder().decode(OutboxTrouble.self, from: $0) }
    }
}

/// Keeps `OutboxTrouble` for one process's flushes: written at a failure (keeping `since` while it goes on), removed
/// at the first success after one (and at the first flush, for what an earlier process left).
public final class OutboxTroubleRecord: Sendable {
    let stateDirectory: String
    /// Whether the file may be there: unknown (nil) until the first flush.
    private let failing = Mutex<Bool?>(nil)

    public init(stateDirectory: String) { self.stateDirectory = stateDirectory }

    func flushed(_ failure: Error?, now: Date = Date()) {
        let path = OutboxTrouble.path(stateDirectory: stateDirectory)
        failing.withLock { failing in
            guard let failure else {
                if failing != false { unlink(path); failing = false }
                return
            }
            let since = OutboxTrouble.read(stateDirectory: stateDirectory)?.since ?? Timestamp.string(now)
            let facing = failure as? OperatorFacingError
            let trouble = OutboxTrouble(since: since, error: facing?.message ?? "\(failure)", remedy: facing?.remedy)
            if let data = try? JSONEncoder().encode(trouble) { try? FileIO.writeAtomically(data, to: path) }
            failing = true
        }
    }
}
