import BilagCore
import BilagRobots
import Foundation
import Glibc

/// What must hold between the robots, `bilag.yaml` and the machine before `bilag run` starts deciding (and before a
/// reload takes effect): each write-back's action (and its reversal) configured on its `http` connector, and each
/// `http` connector's credentials and TLS files readable. Any of these wrong made every such invoice wait until the
/// case-system deadline (a booking held, a reversal that could never be sent) while the daemon looked healthy.
public enum RobotWiring {
    /// Every problem, as `file:line:column: message` or `connectors.NAME…: message`; empty when all is wired.
    /// `robots`: those loaded already; else `Robots/` is loaded here (a robot that does not load is refused and
    /// reported as such already).
    public static func problems(_ config: BilagConfig, robots loaded: [Robot]? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        let robots = loaded ?? RobotCatalog(folder: config.robotsPath, connectors: Set(config.connectors.keys)).checkAll().ok
        return robots.flatMap(\.writeBacks).flatMap { writeBackMismatches($0, config: config) } + connectorProblems(config, environment: environment)
    }

    /// The start refused with every problem and what to do.
    public static func verify(_ config: BilagConfig, robots: [Robot]? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let found = problems(config, robots: robots, environment: environment)
        guard !found.isEmpty else { return }
        throw BilagError("config-invalid", "the robots cannot work with this configuration: " + found.joined(separator: "; "),
                         remedy: "fix bilag.yaml, the robot or the file named; `bilag robots check` and `bilag connectors check` show each")
    }

    /// A write-back naming an action (or a `compensate:` reversal) its `http` connector does not have.
    public static func writeBackMismatches(_ w: WriteBack, config: BilagConfig) -> [String] {
        guard let c = config.connectors[w.connector], c.kind == "http", let actions = c.http?.actions else { return [] }
        let at = "\(w.location.file):\(w.location.line):\(w.location.column)"
        return ([w.action] + (w.compensate.map { [$0] } ?? [])).filter { actions[$0] == nil }.map {
            "\(at): connector \(w.connector) has no action '\($0)' under connectors.\(w.connector).actions in bilag.yaml (it has: \(actions.keys.sorted().joined(separator: ", ")))"
        }
    }

    /// Each `http` connector's secret (file or environment variable) and TLS files (CA bundle, client certificate
    /// and key), read now as every request would.
    static func connectorProblems(_ config: BilagConfig, environment: [String: String]) -> [String] {
        var out: [String] = []
        for (name, c) in config.connectors.sorted(by: { $0.key < $1.key }) {
            guard c.kind == "http", let settings = c.http?.resolvingPaths(from: config.root) else { continue }
            let secret: SecretSource?
            switch settings.auth {
            case .none: secret = nil
            case let .bearer(s): secret = s
            case let .basic(_, s): secret = s
            }
            do { _ = try secret?.read(environment: environment) } catch { out.append("connectors.\(name).auth: \(error)") }
            for (key, path) in [("ca_bundle", settings.tls.caBundle), ("client_cert", settings.tls.clientCertificate), ("client_key", settings.tls.clientKey)] {
                guard let path else { continue }
                if access(path, R_OK) != 0 { out.append("connectors.\(name).tls.\(key): cannot read \(path) (\(String(cString: strerror(errno))))") }
            }
        }
        return out
    }
}
