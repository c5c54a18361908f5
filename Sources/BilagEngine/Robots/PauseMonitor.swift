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
    private var recent: [String: OutcomeWindow] = [:]   // robot → its last outcomes (nil: booked, else the reason)
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
            if recent[name] == nil { recent[name] = OutcomeWindow(window: settings.window, keep: keep, loaded) }
        }
        var outcomes = recent.removeValue(forKey: name)!
        // Settings changed by a reload: the outcomes kept so far, counted for the new window.
        if outcomes.window != settings.window || outcomes.keep != keep { outcomes = OutcomeWindow(window: settings.window, keep: keep, Array(outcomes.kept)) }
        outcomes.append(reason)
        recent[name] = outcomes
        guard settings.enabled, paused[name] == nil, outcomes.kept.count >= max(settings.minimum, settings.window + 1),
              outcomes.mayHaveJumped(settings), let why = Self.jump(Array(outcomes.kept), settings) else { lock.unlock(); return nil }
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

/// A robot's last `keep` outcomes (nil: booked, else the deviation's reason), with the deviations among the last
/// `window` of them and among those before counted as outcomes come and go: a decision costs the same however long
/// the window, not a shift of the whole array and two counts over it (`PauseMonitor.jump` is asked only when the
/// counts say the rate may have jumped).
struct OutcomeWindow {
    let window: Int
    let keep: Int
    /// How many of the kept outcomes the window takes (`window`, at most all of them).
    private let span: Int
    /// The outcomes, oldest first, of which the last `keep` count (`kept`); cut back to those once more than twice
    /// `keep` (and 64) are held, so a decision rarely moves them.
    private var flags: [String?] = []
    /// Deviations among the last `window` of `kept`, and among those before them.
    private(set) var recentDeviations = 0
    private(set) var earlierDeviations = 0

    init(window: Int, keep: Int, _ outcomes: [String?] = []) {
        self.window = window; self.keep = max(0, keep); span = max(0, min(window, keep))
        for o in outcomes { append(o) }
    }

    /// The outcomes that count, oldest first.
    var kept: ArraySlice<String?> { flags.suffix(keep) }

    mutating func append(_ outcome: String?) {
        flags.append(outcome)
        let n = flags.count
        if outcome != nil { recentDeviations += 1 }
        // The outcome that left the last `window`: one of those before them, if still kept.
        let moved = n - 1 - span
        if moved >= 0, flags[moved] != nil {
            recentDeviations -= 1
            if moved >= n - keep { earlierDeviations += 1 }
        }
        // The outcome no longer kept (one of those before the window, when there are such).
        let dropped = n - 1 - keep
        if keep > span, dropped >= 0, flags[dropped] != nil { earlierDeviations -= 1 }
        if n > 2 * keep + 64 { flags.removeFirst(n - keep) }
    }

    /// Whether the rates `PauseMonitor.jump` compares pass its test (as it computes them): false means it finds no jump.
    func mayHaveJumped(_ s: PauseSettings) -> Bool {
        let count = kept.count
        let last = min(span, count), before = count - last
        guard last > 0, before > 0 else { return false }
        let recentRate = Double(recentDeviations) / Double(last)
        let baseRate = Double(earlierDeviations) / Double(before)
        return recentRate * 100 >= Double(s.rate) && recentRate >= baseRate * Double(s.factor) && (recentRate - baseRate) * 100 >= Double(s.points)
    }
}
