import BilagCore
import Foundation

/// A fixed set of threads that run submitted work in order of submission: the examination workers.
///
/// Not the global dispatch queue: that queue is only as wide as the machine has cores, and the pipeline's own
/// threads (intake, commit, the async runtime) would sit in it and starve the examination.
// @unchecked: every var is read and written with `condition` held (waiting needs a condition, which Mutex lacks).
final class WorkerPool: @unchecked Sendable {
    private let condition = NSCondition()
    /// Queued work; a taken slot is emptied at once, so a finished job's captures (a batch's bytes) are freed then,
    /// not when the queue next runs empty.
    private var jobs: [(() -> Void)?] = []
    private var urgent: [() -> Void] = []
    private var head = 0
    private var closed = false
    let width: Int
    /// How much lower than the creating thread's the workers' scheduling priority is (Linux nice steps).
    let nice: Int32

    init(threads: Int, name: String, nice: Int = 0) {
        width = max(1, threads)
        self.nice = Int32(max(0, min(19, nice)))
        for i in 0..<width {
            ThreadName.start("\(name)-\(i)") { [self] in work() }
        }
    }

    /// Queues work for the next free thread.
    func submit(_ job: @escaping () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs `job` on the next free thread before any queued work (freeing a committed batch: memory stays flat only
    /// if that does not wait behind the examination of the batches after it).
    func submitFirst(_ job: @escaping () -> Void) {
        condition.lock()
        urgent.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the threads end once the queued work is done.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        if nice > 0 {
            // On Linux the nice value belongs to the thread: this lowers the worker alone (0 = the calling thread).
            errno = 0
            let base = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
            if errno == 0 { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(19, base + nice)) }
        }
        while true {
            condition.lock()
            while urgent.isEmpty && head == jobs.count && !closed { condition.wait() }
            if !urgent.isEmpty {
                let job = urgent.removeFirst()
                condition.unlock()
                job()
                continue
            }
            if head == jobs.count { condition.unlock(); return }
            let job = jobs[head]!
            jobs[head] = nil
            head += 1
            if head == jobs.count { jobs.removeAll(keepingCapacity: true); head = 0 }
            condition.unlock()
            job()
        }
    }
}

/// A bounded hand-over of batches from one stage's thread to the next (claim → commit), in order.
// @unchecked: every var is read and written with `condition` held; items cross threads only through it.
final class BatchHandoff<T>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [T] = []
    private var finished = false
    private var cancelled = false
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Waits while the hand-over is full; false when the taker has given up (nothing was handed over).
    func put(_ item: T) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The next item, or nil once the giver has finished and everything was taken.
    func take() -> T? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !finished { condition.wait() }
        if items.isEmpty { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// What `poll` found.
    enum Poll {
        case item(T)
        /// Nothing yet; the giver may still hand over more.
        case empty
        /// The giver has finished and everything was taken.
        case finished
    }

    /// The next item if one is waiting, without waiting.
    func poll() -> Poll {
        condition.lock()
        defer { condition.unlock() }
        if items.isEmpty { return finished ? .finished : .empty }
        let item = items.removeFirst()
        condition.broadcast()
        return .item(item)
    }

    /// The giver has no more.
    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The taker stops taking: a waiting giver is released and further puts are refused. Returns what was left.
    @discardableResult
    func cancel() -> [T] {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        let left = items
        items.removeAll()
        condition.broadcast()
        return left
    }
}
