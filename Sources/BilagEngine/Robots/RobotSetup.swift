import BilagCore
import BilagRobots
import BilagStore
import Logging

/// Wires robots for a configuration: the catalog of `Robots/`, the connectors, pre-control.
public enum RobotSetup {
    /// The decider the daemon runs with: robots when `Robots/` holds any, else every invoice to `no-robot`.
    /// `starting`: for `bilag run`, which warns about plain-http connectors and expired client certificates (an
    /// operator's command does not repeat those warnings on every call).
    /// `catalog`: the robots loaded already (`withRobots` checks their wiring first); else `Robots/` is loaded now.
    public static func decider(config: BilagConfig, store: Store, logger: Logger = Logger(label: "bilag.robots"), clock: @escaping @Sendable () -> LocalDate = { LocalDate.today() },
                               starting: Bool = false, catalog loaded: RobotCatalog? = nil) -> RobotDecider {
        let connectors = ConnectorConfig.build(config.connectors, root: config.root)
        let catalog = loaded ?? loadedCatalog(config)
        let decider = RobotDecider(catalog: catalog, connectors: connectors, store: store, preControl: config.preControl, postingRules: config.postingRules, logger: logger, clock: clock)
        decider.statsDirectory = config.statePath
        decider.configureSending(config)
        decider.refusals.report(catalog.loadErrors, to: logger)
        if starting {
            warnAboutPlainHTTP(config, logger: logger)
            warnAboutExpiredCertificates(config, logger: logger)
        }
        return decider
    }

    /// `Robots/` loaded for this configuration's connectors.
    static func loadedCatalog(_ config: BilagConfig) -> RobotCatalog {
        let catalog = RobotCatalog(folder: config.robotsPath, connectors: Set(config.connectors.keys))
        catalog.reload(force: true)
        return catalog
    }

    /// One error per `http` connector whose client certificate has expired: every request to it will be refused.
    static func warnAboutExpiredCertificates(_ config: BilagConfig, logger: Logger) {
        for (name, c) in config.connectors.sorted(by: { $0.key < $1.key }) {
            guard let cert = c.http?.resolvingPaths(from: config.root).tls.clientCertificate else { continue }
            let notAfter = HTTPConnector.certificateExpiry(cert)   // one openssl run, for the test and the message
            guard HTTPConnector.isPast(notAfter: notAfter) else { continue }
            logger.error("the client certificate of a case system has expired: it refuses bilag until the certificate is renewed", metadata: [
                "connector": "\(name)", "certificate": "\(cert)", "expired": "\(notAfter)"])
        }
    }

    /// One warning per `http` connector allowed to use plain `http://` (`insecure: true`).
    static func warnAboutPlainHTTP(_ config: BilagConfig, logger: Logger) {
        for (name, c) in config.connectors.sorted(by: { $0.key < $1.key }) where c.http?.baseURL.lowercased().hasPrefix("http://") == true {
            logger.warning("case system reached over plain http (insecure: true): personal data travels unencrypted", metadata: ["connector": "\(name)"])
        }
    }
}

extension Pipeline {
    /// A pipeline deciding with the robots of its configuration. `starting`: for `bilag run` (and `--once`), which first
    /// checks the robots' wiring (`RobotWiring`) and refuses to start on a mistake, and warns about connectors.
    public static func withRobots(config: BilagConfig, logger: Logger = Logger(label: "bilag.pipeline"), clock: @escaping @Sendable () -> LocalDate = { LocalDate.today() },
                                  starting: Bool = false) throws -> Pipeline {
        // Robots/ is loaded once: its wiring checked (a refused start touches nothing), then decided with.
        let catalog = RobotSetup.loadedCatalog(config)
        if starting { try RobotWiring.verify(config, robots: catalog.robots) }
        let pipeline = try Pipeline(config: config, logger: logger)
        let decider = RobotSetup.decider(config: config, store: pipeline.store, clock: clock, starting: starting, catalog: catalog)
        if starting {
            let gaps = DimensionCoverage.gaps(writers: pipeline.outbox.writers.map(\.writer), robots: catalog.robots, plans: (try? pipeline.store.planDimensionNames()) ?? [:])
            DimensionCoverage.warn(gaps, logger: Logger(label: "bilag.robots"))
        }
        // Bookings released by write-backs sent at once are written out as the pipeline's own are.
        decider.released = { [weak pipeline] in try? pipeline?.bookingsCommitted() }
        pipeline.decider = decider
        return pipeline
    }
}

extension RobotSetup {
    /// History from the store, for dry runs and replays.
    public static func history(_ store: Store) -> HistoryProvider { StoreHistory(store: store) }
    /// Plans from the store, for dry runs and replays.
    public static func plans(_ store: Store) -> PlanProvider { StorePlans(store: store) }
}
