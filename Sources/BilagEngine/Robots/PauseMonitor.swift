import BilagStore
import Foundation

/// Watches each live robot's deviation rate. When the rate over its last `window` decisions jumps far above its
/// rate before (three times, and at least 30 points more), the robot is paused: its invoices go to manual with
/// reason `robot-paused` until an operator resumes it (`bilag robots resume NAME`).
// @unchecked: `recent` and `paused` are read and written only with `lock` held.
final class PauseMonitor: @unchecked Sendable {
    let store: Store
    let window: Int
    let baselineSize: Int
    private let lock = NSLock()
    private var recent: [String: [Bool]] = [:]   // robot → deviation flags, oldest first
    private var paused: [String: String] = [:]

    init(store: Store, window: Int = 20, baselineSize: Int = 200) {
        self.store = store
        self.window = window
        self.baselineSize = baselineSize
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

    /// Records one live decision; returns the reason when this decision tipped the robot into a pause.
    func record(robot: String, deviation: Bool) -> String? {
        lock.lock()
        if recent[robot] == nil {
            lock.unlock()
            let loaded = ((try? store.recentOutcomes(robot: robot, limit: window + baselineSize)) ?? []).reversed().map { $0 != "book" }
            lock.lock()
            if recent[robot] == nil { recent[robot] = Array(loaded) }
        }
        recent[robot]!.append(deviation)
        if recent[robot]!.count > window + baselineSize { recent[robot]!.removeFirst(recent[robot]!.count - window - baselineSize) }
        let flags = recent[robot]!
        guard paused[robot] == nil, flags.count >= window + 50 else { lock.unlock(); return nil }
        let last = flags.suffix(window)
        let before = flags.dropLast(window)
        let recentRate = Double(last.filter { $0 }.count) / Double(last.count)
        let baseRate = Double(before.filter { $0 }.count) / Double(before.count)
        guard recentRate >= 0.5, recentRate >= baseRate * 3, recentRate - baseRate >= 0.3 else { lock.unlock(); return nil }
        let reason = "deviation rate \(Int(recentRate * 100))% over the last \(window) decisions against \(Int(baseRate * 100))% before"
        paused[robot] = reason
        lock.unlock()
        try? store.setRobotPaused(robot, paused: true, reason: reason)
        return reason
    }
}
