import Dispatch
import Logging
import ServiceLifecycle
import Synchronization

/// How the daemon's background services (Outbox, case updates) are woken: by `poke` from the committing thread (never
/// blocks), and every interval for work that falls due by time. Each wake-up runs the service's work once on its own
/// serial queue; a failure that persists is logged once, not at every interval, until the work succeeds again.
final class WakeUps: Sendable {
    let interval: Duration
    let queue: DispatchQueue
    let logger: Logger
    /// Raised by `poke`, lowered when a run starts.
    private let wanted = Atomic(false)
    private let lastFailure = Mutex<String?>(nil)
    private let stream = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))

    init(interval: Duration, label: String, logger: Logger) {
        self.interval = interval
        queue = DispatchQueue(label: label)
        self.logger = logger
    }

    func poke() {
        if !wanted.exchange(true, ordering: .acquiringAndReleasing) { stream.continuation.yield() }
    }

    /// Runs `work` at every wake-up until graceful shutdown, then once more. `failed` is the message logged, with the
    /// error, when `work` throws (`error` level, once per distinct error); `recovered` when it succeeds after that.
    func run(failed: String, recovered: String, metadata: @escaping @Sendable (Error) -> Logger.Metadata = { ["error": "\($0)"] }, _ work: @escaping @Sendable () throws -> Void) async {
        let once = { await self.runOnce(failed: failed, recovered: recovered, metadata: metadata, work) }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { [interval, stream] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        stream.continuation.yield()
                    }
                }
                for await _ in stream.stream { await once() }
                group.cancelAll()
            }
        } onGracefulShutdown: { [stream] in
            stream.continuation.finish()
        }
        await once()
    }

    func runOnce(failed: String, recovered: String, metadata: @escaping @Sendable (Error) -> Logger.Metadata, _ work: @escaping @Sendable () throws -> Void) async {
        wanted.store(false, ordering: .releasing)
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            queue.async { [self] in
                do {
                    try work()
                    if lastFailure.withLock({ $0.take() }) != nil { logger.notice("\(recovered)") }
                } catch {
                    let repeated = lastFailure.withLock { last in defer { last = "\(error)" }; return last == "\(error)" }
                    if !repeated { logger.error("\(failed)", metadata: metadata(error)) }
                }
                cont.resume()
            }
        }
    }
}
