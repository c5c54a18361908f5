import BilagEngine
import Logging
import ServiceLifecycle

/// Pings systemd's watchdog at half the interval it asked for, while intake makes progress: a pass stuck (a thread
/// blocked in a system call) stops the pings, and systemd restarts the daemon.
public struct WatchdogService: Service {
    let notifier: SystemdNotifier
    let interval: Duration
    let heartbeat: Heartbeat
    let logger: Logger

    public init(notifier: SystemdNotifier, interval: Duration, heartbeat: Heartbeat, logger: Logger = Logger(label: "bilag.watchdog")) {
        self.notifier = notifier
        self.interval = interval
        self.heartbeat = heartbeat
        self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var stalled = false
            while !Task.isCancelled {
                if heartbeat.isHealthy(within: interval) {
                    notifier.notify("WATCHDOG=1")
                    stalled = false
                } else if !stalled {
                    stalled = true
                    logger.critical("intake has made no progress for the watchdog interval; no longer telling systemd it is alive")
                }
                try await Task.sleep(for: interval / 2)
            }
        }
    }
}
