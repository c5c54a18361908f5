import BilagRobots
import BilagStore
import Foundation

/// Watches each live robot's deviation rate over the invoices it kept (declined invoices are not its own and are
/// not counted). When the rate over its last `window` kept invoices jumps far above its rate over the `baseline`
/// before (per the robot's `pause:` settings), the robot is paused: its invoices go to manual with reason
/// `robot-paused` until an operator resumes it (`bilag robots resume NAME`). The pause names the reason whose
/// rate jumped.
// @unchecked: its vars are read and written only with `lock` held.
final class PauseMonitor: @unchecked Sendable {
    let store: Store
    private let lock = NSLock()
    private var recent: [String: [String?]] = [:]   // robot → reason per kept invoice (nil: booked), oldest first
    private var paused: [String: String] = [:]

    init(store: Store) {
        self.store = store
        paused = (try? store.pausedRobots()) ?? [:]
    }

    func isPaused(_ robot: String) -> String? {
        lock.lock(); defer { lock.unlock() }
        return paused[robot]
    }

    func refresh() {
        let p = (try? store.pausedRobots()) ?? [:]
        lock.lock(); paused = p; lock.unlock()
    }

    /// Records one live decision of an invoice the robot kept: `reason` nil when booked, else the deviation's reason.
    /// Returns why, when this decision tipped the robot into a pause.
    func record(robot: Robot, reason: String?) -> String? {
        let settings = robot.pause
        let keep = settings.window + settings.baseline
        let name = robot.name
        lock.lock()
        if recent[name] == nil {
            lock.unlock()
            let loaded = ((try? store.recentOutcomes(robot: name, limit: keep)) ?? []).reversed().map { $0 == "book" ? nil : Optional($0) }
            lock.lock()
            if recent[name] == nil { recent[name] = Array(loaded) }
        }
        recent[name]!.append(reason)
        if recent[name]!.count > keep { recent[name]!.removeFirst(recent[name]!.count - keep) }
        let flags = recent[name]!
        guard settings.enabled, paused[name] == nil, flags.count >= max(settings.minimum, settings.window + 1) else { lock.unlock(); return nil }
        guard let why = Self.jump(flags, settings) else { lock.unlock(); return nil }
        paused[name] = why
        lock.unlock()
        try? store.setRobotPaused(name, paused: true, reason: why)
        return why
    }

    /// Why the deviation rate of the last `window` outcomes jumped against those before, or nil when it did not.
    static func jump(_ outcomes: [String?], _ s: PauseSettings) -> String? {
        let last = outcomes.suffix(s.window)
        let before = outcomes.dropLast(s.window)
        guard !last.isEmpty, !before.isEmpty else { return nil }
        func rate<C: Collection>(_ c: C, _ hit: (String?) -> Bool) -> Double where C.Element == String? { Double(c.count(where: hit)) / Double(c.count) }
        let recentRate = rate(last) { $0 != nil }
        let baseRate = rate(before) { $0 != nil }
        guard recentRate * 100 >= Double(s.rate), recentRate >= baseRate * Double(s.factor), (recentRate - baseRate) * 100 >= Double(s.points) else { return nil }
        // The reason whose share jumped most.
        let reasons = Set(last.compactMap { $0 })
        let top = reasons.map { r in (r, rate(last) { $0 == r }, rate(before) { $0 == r }) }
            .max { a, b in (a.1 - a.2, b.0) < (b.1 - b.2, a.0) }
        var why = "deviation rate \(Int(recentRate * 100))% over the last \(last.count) kept invoices against \(Int(baseRate * 100))% before"
        if let top { why += "; the jump is in \(top.0) (\(Int(top.1 * 100))% against \(Int(top.2 * 100))% before)" }
        return why
    }
}
