import BilagCore
import BilagEngine
import BilagStore
import Foundation
import Logging
import ServiceLifecycle

/// `bilag run`: the services of the daemon started together and stopped together.
///
/// SIGTERM/SIGINT: the batch in hand is finished, then exit 0. SIGHUP: configuration reloaded.
/// With `$NOTIFY_SOCKET` set, systemd hears READY=1, RELOADING=1, STOPPING=1 and watchdog pings.
public enum Daemon {
    public static func run(config: BilagConfig, reloadConfig: @escaping @Sendable () throws -> BilagConfig) async throws {
        let logger = Logger(label: "bilag")
        let notifier = SystemdNotifier()
        let pipeline = try Pipeline.withRobots(config: config, logger: Logger(label: "bilag.pipeline"), starting: true)
        // The Outbox is written by its own service: the pipeline and the manual queue only say that they booked.
        let outbox = OutboxService(outbox: pipeline.outbox, store: pipeline.store, interval: .milliseconds(config.outboxFlushIntervalMilliseconds), logger: Logger(label: "bilag.outbox"))
        pipeline.flushing = outbox
        // Case updates too: sent off the committing thread, with their own retry; bookings they release go to the Outbox.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: outbox, serviceName: "outbox")]
        if let robots = pipeline.decider as? RobotDecider {
            let caseUpdates = CaseUpdateService(sender: { robots.caseUpdateSender() }, outbox: outbox, interval: .milliseconds(min(1000, config.outboxFlushIntervalMilliseconds)), logger: Logger(label: "bilag.case-updates"))
            robots.caseUpdates = caseUpdates
            services.append(.init(service: caseUpdates, serviceName: "case-updates"))
        }
        let intake = IntakeService(pipeline: pipeline, logger: Logger(label: "bilag.intake"))
        let reload = ReloadService(notifier: notifier, logger: logger, readyStatus: "watching \(config.inboxPath)") {
            let config = try reloadConfig()
            try RobotWiring.verify(config)   // a robot's write-back with no action, a secret not readable: the running configuration stays
            try await intake.reload(config)
        }
        // Stopped in reverse order: intake finishes its batch first, then its case updates are sent, then the Outbox
        // writes what that batch booked and what the updates released.
        services += [
            .init(service: intake, serviceName: "intake"),
            .init(service: reload, successTerminationBehavior: .ignore, serviceName: "reload"),
        ]
        if let interval = SystemdNotifier.watchdogInterval() {
            services.append(.init(service: WatchdogService(notifier: notifier, interval: interval, heartbeat: pipeline.heartbeat), successTerminationBehavior: .ignore, serviceName: "watchdog"))
        }
        var groupConfig = ServiceGroupConfiguration(services: services, logger: logger)
        groupConfig.gracefulShutdownSignals = [.sigterm, .sigint]
        let group = ServiceGroup(configuration: groupConfig)
        logger.notice("bilag started", metadata: ["root": "\(config.root)", "state": "\(config.statePath)", "workers": "\(config.effectiveWorkers)",
                                                  "allocator": "\(Allocator.inUse)", "sqlite_memory_statistics": "\(SQLiteTuning.memoryStatisticsOff ? "off" : "on")"])
        try await group.run()
        notifier.notify("STOPPING=1")
        logger.notice("bilag stopped")
    }
}
