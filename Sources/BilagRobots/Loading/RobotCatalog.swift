import BilagRobotLanguage
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The robots in `Robots/`: every `*.robot.yaml` file, loaded and checked. A file that fails to load keeps its
/// last good version active, and the error is kept for the operator; the daemon never stops for a broken robot.
public final class RobotCatalog: Sendable {
    public let folder: String
    /// What changes, all behind one lock.
    private struct State {
        var loader: RobotLoader
        var active: [String: Robot] = [:] {     // by file path
            didSet { inForce = active.values.filter { $0.mode != .off }.sorted { ($0.priority, $0.name) > ($1.priority, $1.name) } }
        }
        /// `robots`, kept as `active` changes: every invoice asks for them.
        var inForce: [Robot] = []
        var errors: [String: RobotLanguageError] = [:]
        var fingerprint = ""
    }
    private let state: Mutex<State>

    public init(folder: String, connectors: Set<String>) {
        self.folder = folder
        self.state = Mutex(State(loader: RobotLoader(connectors: connectors)))
    }

    /// The loader the robot files are checked with (it knows the connectors configuration offers).
    public var loader: RobotLoader { state.withLock { $0.loader } }

    /// The robots in force, highest priority first.
    public var robots: [Robot] {
        state.withLock { $0.inForce }
    }

    /// Load errors by file; a file listed here runs its last good version (if it ever had one).
    public var loadErrors: [String: RobotLanguageError] { state.withLock { $0.errors } }

    /// The robot files (`*.robot.yaml`) in the folder.
    public func files() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".robot.yaml") || $0.hasSuffix(".robot.yml") }.sorted()
    }

    /// Reloads when any robot file or data file changed (by size and modification time), or when forced.
    /// Returns the robots whose version changed, with their previous version.
    @discardableResult
    public func reload(force: Bool = false, connectors: Set<String>? = nil) -> [(new: Robot, old: Robot?)] {
        if let connectors { state.withLock { $0.loader = RobotLoader(connectors: connectors) } }
        let fp = currentFingerprint()
        // The loader and the robots to start from; nil when nothing changed.
        let start: (loader: RobotLoader, previous: [String: Robot])? = state.withLock { s in
            if !force && fp == s.fingerprint { return nil }
            s.fingerprint = fp
            return (s.loader, s.active)
        }
        guard let start else { return [] }
        let (loader, previous) = start
        var next: [String: Robot] = [:]
        var errs: [String: RobotLanguageError] = [:]
        var names: [String: String] = [:]
        for f in files() {
            let path = folder + "/" + f
            do {
                let robot = try loader.load(path: path, displayPath: "Robots/" + f)
                if let other = names[robot.name] {
                    throw RobotLanguageError(location: SourceLocation(file: "Robots/" + f, line: 1, column: 1), message: "robot name '\(robot.name)' is used by \(other) too")
                }
                names[robot.name] = "Robots/" + f
                next[path] = robot
            } catch let e as RobotLanguageError {
                errs[path] = e
                if let old = previous[path] { next[path] = old }
            } catch {
                errs[path] = RobotLanguageError(location: SourceLocation(file: "Robots/" + f, line: 1, column: 1), message: "\(error)")
                if let old = previous[path] { next[path] = old }
            }
        }
        state.withLock { [next, errs] s in
            s.active = next
            s.errors = errs
        }
        return next.compactMap { path, r in previous[path]?.hash == r.hash ? nil : (r, previous[path]) }
    }

    /// Checks every file without activating anything (for `bilag robots check`).
    public func checkAll() -> (ok: [Robot], errors: [RobotLanguageError]) {
        var ok: [Robot] = []
        var errs: [RobotLanguageError] = []
        let loader = self.loader
        for f in files() {
            do { ok.append(try loader.load(path: folder + "/" + f, displayPath: "Robots/" + f)) } catch let e as RobotLanguageError { errs.append(e) } catch {
                errs.append(RobotLanguageError(location: SourceLocation(file: "Robots/" + f, line: 1, column: 1), message: "\(error)"))
            }
        }
        return (ok, errs)
    }

    /// Size and modification time of every file under the folder, as one string.
    func currentFingerprint() -> String {
        var parts: [String] = []
        guard let e = FileManager.default.enumerator(atPath: folder) else { return "" }
        while let rel = e.nextObject() as? String {
            var st = stat()
            if stat(folder + "/" + rel, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG {
                parts.append("\(rel):\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)")
            }
        }
        return parts.sorted().joined(separator: "|")
    }
}
