import BilagCore
import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads configuration and robots on SIGHUP; a reload that fails keeps what runs now.
public struct ReloadService: Service {
    let reload: @Sendable () async throws -> Void
    let logger: Logger
    let notifier: SystemdNotifier
    let readyStatus: String

    public init(notifier: SystemdNotifier, logger: Logger, readyStatus: String = "", reload: @escaping @Sendable () async throws -> Void) {
        self.reload = reload
        self.logger = logger
        self.notifier = notifier
        self.readyStatus = readyStatus
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        // READY only once SIGHUP (and, by now, SIGTERM) are handled: a signal sent on READY never kills the daemon.
        notifier.notify("READY=1" + (readyStatus.isEmpty ? "" : "\nSTATUS=\(readyStatus)"))
        // The same moment for whoever watches the log instead of systemd (a SIGTERM from now on stops it gracefully).
        logger.notice("bilag ready")
        // systemd hears STOPPING=1 when the stop begins, not once the batches in hand are finished (over a slow case
        // system that can take a while, and `systemctl status` would say "running" meanwhile).
        await withGracefulShutdownHandler {
            await cancelWhenGracefulShutdown { await reloads(signals) }
        } onGracefulShutdown: { [notifier, logger] in
            notifier.notify("STOPPING=1\nSTATUS=stopping: finishing the invoices in hand")
            logger.notice("bilag stopping: finishing the invoices in hand")
        }
    }

    /// Each SIGHUP: the configuration and robots reloaded, or the running ones kept with the reason logged.
    func reloads(_ signals: UnixSignalsSequence) async {
        for await _ in signals {
            notifier.notify("RELOADING=1")
            do {
                try await reload()
                logger.notice("reloaded configuration and robots")
            } catch let e as OperatorFacingError {
                logger.error("reload failed; the running configuration stays active", metadata: ["code": "\(e.code)", "error": "\(e.message)", "remedy": "\(e.remedy)"])
            } catch {
                logger.error("reload failed; the running configuration stays active", metadata: ["error": "\(error)"])
            }
            notifier.notify("READY=1")
        }
    }
}
