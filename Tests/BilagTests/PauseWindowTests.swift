@testable import BilagEngine
import BilagRobots
import XCTest

/// The pause monitor's window of outcomes: its running counts are the counts over the outcomes it keeps, and it asks
/// `PauseMonitor.jump` exactly when jump would find a jump.
final class PauseWindowTests: XCTestCase {
    func testTheCountsAndTheQuickTestAreJumpsOwn() {
        var rng = SystemRandomNumberGenerator()
        let reasons: [String?] = [nil, nil, nil, "no-order", "amount-outside-tariff", "cpr-missing"]
        var jumps = 0
        for round in 0..<400 {
            var s = PauseSettings()
            s.window = [1, 3, 20, Int.random(in: 1...40, using: &rng)][round % 4]
            s.baseline = [0, 1, 7, 200, Int.random(in: 0...60, using: &rng)][round % 5]
            s.minimum = Int.random(in: 0...30, using: &rng)
            s.rate = Int.random(in: 0...100, using: &rng)
            s.factor = Int.random(in: 0...4, using: &rng)
            s.points = Int.random(in: 0...60, using: &rng)
            let keep = s.window + s.baseline
            // Calm, then a burst of deviations, so both answers come up.
            let calm = Double.random(in: 0...0.3, using: &rng), burst = Double.random(in: 0.3...1, using: &rng)
            var w = OutcomeWindow(window: s.window, keep: keep)
            var all: [String?] = []
            for i in 0..<Int.random(in: 1...(3 * keep + 80), using: &rng) {
                let deviates = Double.random(in: 0...1, using: &rng) < (i > keep ? burst : calm)
                let o = deviates ? reasons[Int.random(in: 3...5, using: &rng)] : nil
                w.append(o)
                all.append(o)
                let kept = Array(all.suffix(keep))
                XCTAssertEqual(Array(w.kept), kept)
                let last = kept.suffix(s.window), before = kept.dropLast(s.window)
                XCTAssertEqual(w.recentDeviations, last.count { $0 != nil })
                XCTAssertEqual(w.earlierDeviations, before.count { $0 != nil })
                let jumped = PauseMonitor.jump(kept, s) != nil
                XCTAssertEqual(w.mayHaveJumped(s), jumped, "window \(s.window), baseline \(s.baseline), after \(i + 1)")
                if jumped { jumps += 1 }
            }
            // Rebuilt for other settings from what it kept: the same as kept from the start under them.
            let rebuilt = OutcomeWindow(window: max(1, s.window / 2), keep: keep / 2 + 1, Array(w.kept))
            XCTAssertEqual(Array(rebuilt.kept), Array(all.suffix(keep / 2 + 1)))
        }
        XCTAssertGreaterThan(jumps, 0)
    }
}
