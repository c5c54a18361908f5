import BilagTestKit
import Foundation
import XCTest

/// Whatever ends `bilag run` is one JSON event on stderr (level critical, code, error, remedy), as every other line
/// of the daemon's log is for journald — not only the plain `error:` / `what to do:` lines. Real binary.
final class RunFailureLogTests: XCTestCase {
    /// The critical events of a run's stderr, each line that is JSON parsed.
    static func criticalEvents(_ stderr: String) -> [[String: String]] {
        stderr.split(separator: "\n").compactMap { line -> [String: String]? in
            guard line.hasPrefix("{"), let o = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: String] else { return nil }
            return o["level"] == "critical" ? o : nil
        }
    }

    func assertOneCriticalEvent(_ stderr: String, code: String, containing text: String, file: StaticString = #filePath, line: UInt = #line) {
        let events = Self.criticalEvents(stderr)
        XCTAssertEqual(events.count, 1, "one critical event: \(stderr)", file: file, line: line)
        guard let e = events.first else { return }
        XCTAssertEqual(e["code"], code, "\(e)", file: file, line: line)
        XCTAssertTrue(e["error"]?.contains(text) ?? false, "\(e)", file: file, line: line)
        XCTAssertFalse(e["remedy"]?.isEmpty ?? true, "\(e)", file: file, line: line)
    }

    func testEveryErrorThatEndsRunIsOneJSONEvent() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        let first = try root.startDaemon()
        defer { first.kill(); _ = first.wait(timeout: 20) }
        for args in [["run"], ["run", "--once"]] {
            let second = try root.bilag(args, timeout: 30)
            XCTAssertEqual(second.exitCode, 4, "\(second)")
            assertOneCriticalEvent(second.stderr, code: "state-locked", containing: "pid \(first.pid)")
            XCTAssertTrue(second.stderr.contains("what to do:"), "the human-readable lines stay: \(second.stderr)")
        }
        first.terminate()
        XCTAssertEqual(first.wait(timeout: 20)?.exitCode, 0)

        // Before the log level is known: a configuration that cannot be read.
        try root.writeConfig("intake:\n  readines: rename\n")
        let config = try root.bilag(["run", "--once"], timeout: 30)
        XCTAssertEqual(config.exitCode, 3, "\(config)")
        assertOneCriticalEvent(config.stderr, code: "config-invalid", containing: "readines")
    }
}
