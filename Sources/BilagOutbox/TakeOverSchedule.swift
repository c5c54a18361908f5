import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// When a writer looks through its folders for what a writer killed mid-write left (`OutboxFiles.takeOverUnknownFiles`).
///
/// Listing the folders at every flush costs more the more files they hold, and finds something only after a writer
/// died between writing a file and recording it. So they are looked through at the first flush of a process (after a
/// crash or a power cut that is the daemon's start), whenever a writer of any process died mid-write since, and
/// otherwise every `recheckSeconds`. How a writer is known to have died mid-write: the byte at offset 0 of the
/// writer's lock file is `1` while a write is under way and `0` once it is recorded; both are written under the lock,
/// so whoever takes the lock next and finds `1` knows the holder before it stopped half-way (killed, or its write
/// failed). The byte needs no sync: it matters only while the machine stays up, and a restart looks through the
/// folders anyway.
public final class TakeOverSchedule: Sendable {
    public let recheckSeconds: Double
    private let lastCheck = Mutex<Date?>(nil)
    /// How many times the folders were looked through (for tests and figures).
    private let checks = Atomic<Int>(0)

    public init(recheckSeconds: Double = 300) { self.recheckSeconds = recheckSeconds }

    public var checkCount: Int { checks.load(ordering: .relaxed) }

    /// True when the folders are to be looked through before this turn's first write: the first turn of this process,
    /// a writer died mid-write since (the mark is `1`), or the last look is `recheckSeconds` old. Call holding the lock.
    func isDue(lock: Int32, now: Date) -> Bool {
        var mark: UInt8 = 0
        if pread(lock, &mark, 1, 0) == 1, mark == UInt8(ascii: "1") { return true }
        return lastCheck.withLock { last in last.map { now.timeIntervalSince($0) >= recheckSeconds || now < $0 } ?? true }
    }

    /// The folders were looked through (and what was left taken over).
    func didCheck(now: Date) {
        checks.add(1, ordering: .relaxed)
        lastCheck.withLock { $0 = now }
    }

    /// Forgets the last look: the next write looks through the folders (after an error of its own, for instance).
    public func lookNextTime() { lastCheck.withLock { $0 = nil } }

    /// Writes the mark: `true` before a write (a file may appear that the store has not recorded), `false` once the
    /// folders hold nothing the store does not know. Call holding the lock.
    static func mark(_ lock: Int32, writing: Bool) throws {
        var byte = UInt8(ascii: writing ? "1" : "0")
        guard pwrite(lock, &byte, 1, 0) == 1 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }
}
