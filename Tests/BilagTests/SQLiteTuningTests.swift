import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// bilag turns SQLite's memory statistics off before its first connection (`SQLiteTuning`): without a lookaside
/// allocator in the system's SQLite, each of its many small allocations would otherwise take a lock global to the
/// process. The daemon's start line says which it runs with; `BILAG_SQLITE_MEMSTATUS=on` keeps SQLite's default.
final class SQLiteTuningTests: XCTestCase {
    /// The daemon's `bilag started` log line.
    func startedLine(environment: [String: String]) throws -> String {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", pollIntervalMs: 50)
        let daemon = try root.startDaemon(environment: environment)
        defer { daemon.kill(); _ = daemon.wait(timeout: 20) }
        let text = daemon.stderrText()
        return text.split(separator: "\n").first { $0.contains("bilag started") }.map(String.init) ?? text
    }

    func testTheDaemonRunsWithSQLitesMemoryStatisticsOff() throws {
        let line = try startedLine(environment: [:])
        XCTAssertTrue(line.contains("\"sqlite_memory_statistics\":\"off\""), line)
    }

    func testTheyStayOnWhenAskedForComparison() throws {
        let line = try startedLine(environment: ["BILAG_SQLITE_MEMSTATUS": "on"])
        XCTAssertTrue(line.contains("\"sqlite_memory_statistics\":\"on\""), line)
    }

    /// In this test process SQLite is long in use: the setting is refused and nothing changes (it can only be made
    /// before the first connection, which is why `bilag` makes it first thing).
    func testTheSettingComesBeforeAnyConnectionOrNotAtAll() throws {
        let root = try TemporaryRoot()
        _ = try Store(path: root.path + "/var/probe.sqlite")
        XCTAssertFalse(SQLiteTuning.apply(environment: [:]))
        XCTAssertFalse(SQLiteTuning.apply(environment: ["BILAG_SQLITE_MEMSTATUS": "on"]))
        XCTAssertEqual(SQLiteTuning.describe(true), "SQLite: memory statistics off (no process-wide lock at each of its allocations)")
        XCTAssertEqual(SQLiteTuning.describe(false), "SQLite: memory statistics on (SQLite's default)")
    }
}
