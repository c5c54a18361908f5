import Foundation

/// The bytes of invoice files held in memory between reading and examination, bounded (`intake.max_bytes_in_flight`),
/// so peak memory stays flat whatever sizes arrive. A file larger than the whole budget is read when nothing else is
/// held, alone.
///
/// `@unchecked Sendable`: the count is guarded by the condition's lock, which the waiting needs.
final class ByteBudget: @unchecked Sendable {
    let limit: Int64
    private var held: Int64 = 0
    private var cancelled = false
    private let condition = NSCondition()

    init(limit: Int64) { self.limit = max(1, limit) }

    /// Takes `n` bytes if they fit now (or nothing is held); false otherwise.
    func tryAcquire(_ n: Int64) -> Bool {
        condition.lock(); defer { condition.unlock() }
        guard held == 0 || held + n <= limit else { return false }
        held += n
        return true
    }

    /// Takes `n` bytes, waiting until they fit (or nothing else is held).
    func acquire(_ n: Int64) {
        condition.lock(); defer { condition.unlock() }
        while !cancelled && held > 0 && held + n > limit { condition.wait() }
        held += n
    }

    /// Ends all waiting, now and later: the pass failed, and bytes held in batches nobody will examine never come back.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// Gives `n` bytes back.
    func release(_ n: Int64) {
        guard n > 0 else { return }
        condition.lock()
        held = max(0, held - n)
        condition.broadcast()
        condition.unlock()
    }
}
