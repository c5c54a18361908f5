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
            didSet {
                inForce = active.values.filter { $0.mode != .off }.sorted { ($0.priority, $0.name) > ($1.priority, $1.name) }
                needs = InvoiceVariables.Needs(robots: inForce)
            }
        }
        /// `robots`, kept as `active` changes: every invoice asks for them.
        var inForce: [Robot] = []
        /// What those robots can read of an invoice's values (worked out once a change, not once an invoice).
        var needs = InvoiceVariables.Needs(robots: [])
        var errors: [String: RobotLanguageError] = [:]
        var fingerprint = ""
        /// Whether the folder was loaded before (its first load does not wait for it to settle).
        var loadedOnce = false
        /// The robots the last reload took out of force.
        var removed: [Robot] = []
    }
    private let state: Mutex<State>
    /// How long the folder must have been left alone before a change in it is loaded by an unforced reload (the
    /// daemon's, between passes): a robot file or table still being written — saved in parts, copied over a slow
    /// link — may parse and check half-way, and decide invoices as half a robot. Not at the first load, nor forced.
    public let settleSeconds: TimeInterval

    public init(folder: String, connectors: Set<String>, settleSeconds: TimeInterval = 2) {
        self.folder = folder
        self.settleSeconds = settleSeconds
        self.state = Mutex(State(loader: RobotLoader(connectors: connectors)))
    }

    /// The loader the robot files are checked with (it knows the connectors configuration offers).
    public var loader: RobotLoader { state.withLock { $0.loader } }

    /// The robots in force, highest priority first.
    public var robots: [Robot] {
        state.withLock { $0.inForce }
    }

    /// The robots in force and the values of an invoice they can read (`InvoiceVariables.Needs`), read together.
    public var robotsAndNeeds: (robots: [Robot], needs: InvoiceVariables.Needs) {
        state.withLock { ($0.inForce, $0.needs) }
    }

    /// Load errors by file; a file listed here runs its last good version (if it ever had one).
    public var loadErrors: [String: RobotLanguageError] { state.withLock { $0.errors } }

    /// The robot files (`*.robot.yaml`) in the folder.
    public func files() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".robot.yaml") || $0.hasSuffix(".robot.yml") }.sorted()
    }

    /// Reloads when any robot file or data file changed (by size and modification time), or when forced; an unforced
    /// reload waits until the folder has been left alone for `settleSeconds` (the change is looked at again at the next
    /// reload). Returns the robots whose version changed, with their previous version.
    @discardableResult
    public func reload(force: Bool = false, connectors: Set<String>? = nil, now: Date = Date()) -> [(new: Robot, old: Robot?)] {
        if let connectors { state.withLock { $0.loader = RobotLoader(connectors: connectors) } }
        let (fp, newest) = currentFingerprint()
        // The loader and the robots to start from; nil when nothing changed, or a change is still being written.
        let start: (loader: RobotLoader, previous: [String: Robot])? = state.withLock { s in
            s.removed = []
            if !force && fp == s.fingerprint { return nil }
            if !force, s.loadedOnce, let newest, now.timeIntervalSince1970 - newest < settleSeconds { return nil }
            s.fingerprint = fp
            s.loadedOnce = true
            return (s.loader, s.active)
        }
        guard let start else { return [] }
        let (loader, previous) = start
        var next: [String: Robot] = [:]
        var errs: [String: RobotLanguageError] = [:]
        var loaded: [(path: String, robot: Robot)] = []
        for f in files() {
            let path = folder + "/" + f
            do {
                loaded.append((path, try loader.load(path: path, displayPath: "Robots/" + f)))
            } catch {
                errs[path] = Self.loadError(error, file: f)
                // The last good version goes on, unless another file has taken its name meanwhile (below).
                if let old = previous[path] { loaded.append((path, old)) }
            }
        }
        for (path, robot) in Self.oneFilePerName(loaded, previous: previous, errors: &errs) { next[path] = robot }
        state.withLock { [next, errs, previous] s in
            s.active = next
            s.errors = errs
            s.removed = previous.filter { path, old in next[path] == nil && !next.values.contains { $0.name == old.name } }.map(\.value)
        }
        return next.compactMap { path, r in previous[path]?.hash == r.hash ? nil : (r, previous[path]) }
    }

    /// The robots the last reload took out of force (their file removed or renamed away, none running them now).
    public var removedAtLastReload: [Robot] { state.withLock { $0.removed } }

    /// The robots that run when several files name the same robot: the file that ran it before keeps it (a copy made
    /// to stage a new version, its `robot:` not yet renamed, never takes over or runs beside it), else the file named
    /// after the robot (`NAME.robot.yaml`), else the first by name; each other file is refused with the clash, and none
    /// of its versions runs.
    static func oneFilePerName(_ loaded: [(path: String, robot: Robot)], previous: [String: Robot], errors: inout [String: RobotLanguageError]) -> [(path: String, robot: Robot)] {
        var byName: [String: [(path: String, robot: Robot)]] = [:]
        for l in loaded { byName[l.robot.name, default: []].append(l) }
        var kept: [(path: String, robot: Robot)] = []
        for (name, all) in byName {
            let holder = all.first { previous[$0.path]?.name == name }
                ?? all.first { ["\(name).robot.yaml", "\(name).robot.yml"].contains(($0.path as NSString).lastPathComponent) } ?? all[0]
            kept.append(holder)
            for other in all where other.path != holder.path {
                let file = "Robots/" + (other.path as NSString).lastPathComponent
                let mine = "Robots/" + (holder.path as NSString).lastPathComponent
                let clash = RobotLanguageError(location: SourceLocation(file: file, line: 1, column: 1),
                                               message: "robot name '\(name)' is used by \(mine) too, which runs it; give this file another `robot:` name")
                errors[other.path] = errors[other.path].map { RobotLanguageError(location: $0.location, message: $0.message + "; and " + clash.message) } ?? clash
            }
        }
        return kept
    }

    static func loadError(_ error: Error, file: String) -> RobotLanguageError {
        error as? RobotLanguageError ?? RobotLanguageError(location: SourceLocation(file: "Robots/" + file, line: 1, column: 1), message: "\(error)")
    }

    /// Checks every file without activating anything (for `bilag robots check`), two files naming one robot included.
    public func checkAll() -> (ok: [Robot], errors: [RobotLanguageError]) {
        var loaded: [(path: String, robot: Robot)] = []
        var errs: [String: RobotLanguageError] = [:]
        let loader = self.loader
        for f in files() {
            let path = folder + "/" + f
            do { loaded.append((path, try loader.load(path: path, displayPath: "Robots/" + f))) } catch { errs[path] = Self.loadError(error, file: f) }
        }
        let kept = Self.oneFilePerName(loaded, previous: state.withLock { $0.active }, errors: &errs)
        return (kept.sorted { $0.path < $1.path }.map(\.robot), errs.sorted { $0.key < $1.key }.map(\.value))
    }

    /// Size and modification time of every file under the folder, as one string; and the latest modification time.
    func currentFingerprint() -> (String, TimeInterval?) {
        var parts: [String] = []
        var newest: TimeInterval?
        guard let e = FileManager.default.enumerator(atPath: folder) else { return ("", nil) }
        while let rel = e.nextObject() as? String {
            var st = stat()
            if stat(folder + "/" + rel, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG {
                parts.append("\(rel):\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)")
                let t = TimeInterval(st.st_mtim.tv_sec) + TimeInterval(st.st_mtim.tv_nsec) / 1e9
                newest = max(newest ?? t, t)
            }
        }
        return (parts.sorted().joined(separator: "|"), newest)
    }
}
