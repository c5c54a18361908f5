import BilagTestKit
import Foundation
import XCTest

/// The daemon's threads carry their names for the system (`top -H`, `ps -L`, `perf`, `scripts/profile-touchless
/// schedstat`), not only inside Foundation: an operator can tell the examination workers from the committing thread.
final class ThreadNameTests: XCTestCase {
    func testTheExaminationWorkersAreNamedForTheSystem() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", pollIntervalMs: 50)
        let daemon = try root.start(["run"], environment: ["BILAG_WORKERS": "2"], label: "daemon")
        defer { daemon.kill(); _ = daemon.wait(timeout: 20) }
        func names() -> Set<String> {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(daemon.pid)/task")) ?? []
            return Set(tasks.compactMap { try? String(contentsOfFile: "/proc/\(daemon.pid)/task/\($0)/comm", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) })
        }
        let wanted: Set<String> = ["bilag-examine-0", "bilag-examine-1"]
        XCTAssertTrue(poll(timeout: 30, interval: 0.05) { wanted.isSubset(of: names()) }, "thread names: \(names().sorted())")
    }
}
