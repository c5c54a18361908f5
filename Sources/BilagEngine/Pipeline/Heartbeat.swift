import Synchronization

/// Whether intake is making progress, for the watchdog: beaten by the pipeline as files are claimed and batches
/// committed. While intake is at work and the beats stop (a thread stuck in a system call), it is not healthy; while
/// it waits for the next poll it is.
public final class Heartbeat: Sendable {
    private struct State { var working = false; var last = ContinuousClock.now }
    private let state = Mutex(State())

    public init() {}

    /// Progress was made.
    public func beat() {
        let now = ContinuousClock.now
        state.withLock { $0.last = now }
    }

    /// Intake starts (true) or ends (false) a stretch of work; both count as progress.
    public func working(_ on: Bool) {
        let now = ContinuousClock.now
        state.withLock { $0.working = on; $0.last = now }
    }

    /// True while intake waits, or works and last made progress within `limit`.
    public func isHealthy(within limit: Duration) -> Bool {
        let s = state.withLock { $0 }
        return !s.working || ContinuousClock.now - s.last < limit
    }
}
