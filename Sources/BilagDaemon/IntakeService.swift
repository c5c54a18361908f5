import BilagCore
import BilagEngine
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Watches the Inbox: a pass over every ready file, then a pause, until shutdown. SIGTERM finishes the batch in hand.
public final class IntakeService: Service, Sendable {
    let pipeline: Pipeline
    let logger: Logger
    let queue = DispatchQueue(label: "bilag.pipeline")

    public init(pipeline: Pipeline, logger: Logger) {
        self.pipeline = pipeline
        self.logger = logger
    }

    public func run() async throws {
        let stop = StopFlag()
        try await withGracefulShutdownHandler {
            try await loop(stop)
        } onGracefulShutdown: {
            stop.raise()
        }
    }

    /// Applies a new configuration between passes, on the pipeline's own thread.
    public func reload(_ config: BilagConfig) async throws {
        try await runBlocking { try self.pipeline.reload(config) }
    }

    func loop(_ stop: StopFlag) async throws {
        let heartbeat = pipeline.heartbeat
        heartbeat.working(true)
        try await runBlocking { try self.pipeline.recover() }
        while !stop.isRaised && !Task.isCancelled {
            // The state database deleted or replaced under the daemon (an operator's `rm`, a restore over it): every
            // decision from here on would go into a file nobody opens again. Stop, and say what to do.
            if let why = pipeline.store.fileGone() {
                throw BilagError("database-unavailable", "the state database \(pipeline.store.path) \(why) while bilag ran; nothing more is decided",
                                 remedy: "restore it from the last backup, or rebuild it with `bilag store rebuild --yes` (the Outbox and the kept originals hold what was booked), then start bilag again")
            }
            heartbeat.working(true)
            // The poll interval is read on the pipeline's queue, where `reload` writes the configuration.
            let pause: Int
            do {
                let (n, interval) = try await runBlocking { (try self.pipeline.pass(shouldStop: { stop.isRaised }), self.pipeline.config.pollIntervalMilliseconds) }
                pause = interval
                if n > 0 { logger.debug("pass done", metadata: ["processed": "\(n)"]) }
            } catch {
                // A failing pass (disk full, database locked) must not end the daemon: report, wait, try again.
                logger.error("intake pass failed; retrying after the poll interval", metadata: ["error": "\(error)"])
                pause = (try? await runBlocking { self.pipeline.config.pollIntervalMilliseconds }) ?? 1000
            }
            heartbeat.working(false)
            try? await cancelWhenGracefulShutdown {
                try await Task.sleep(for: .milliseconds(pause))
            }
        }
        logger.notice("intake stopped")
    }

    /// Runs blocking pipeline work on its own thread, off the cooperative pool.
    func runBlocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { cont in
            queue.async { cont.resume(with: Result { try work() }) }
        }
    }
}

/// A stop flag the pipeline thread can read between batches.
final class StopFlag: Sendable {
    private let raised = Atomic(false)
    func raise() { raised.store(true, ordering: .releasing) }
    var isRaised: Bool { raised.load(ordering: .acquiring) }
}
