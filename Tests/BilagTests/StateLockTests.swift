import BilagTestKit
import Foundation
import XCTest

/// One `bilag run` per state folder, through the real binary.
final class StateLockTests: XCTestCase {
    func testASecondDaemonOnTheSameRootIsRefusedNamingTheFirst() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        let first = try root.startDaemon()
        defer { first.terminate(); _ = first.wait(timeout: 20) }

        let second = try root.bilag(["run"], timeout: 30)
        XCTAssertNotEqual(second.exitCode, 0, "a second daemon started: \(second)")
        XCTAssertTrue(second.stderr.contains("pid \(first.pid)"), "the refusal names the running daemon: \(second.stderr)")
        let once = try root.bilag(["run", "--once"], timeout: 30)
        XCTAssertNotEqual(once.exitCode, 0, "run --once ran beside the daemon: \(once)")
        XCTAssertTrue(once.stderr.contains("pid \(first.pid)"), once.stderr)
        // Operators' read and queue commands cooperate: they run beside the daemon.
        XCTAssertEqual(try root.bilag(["status"]).exitCode, 0)
        XCTAssertTrue(first.isRunning)

        // Once the first stops — even by kill -9 — the lock is free again.
        first.kill()
        _ = first.wait(timeout: 20)
        let next = try root.startDaemon()
        next.terminate()
        XCTAssertEqual(next.wait(timeout: 20)?.exitCode, 0)
    }

    /// One `bilag run` per root too, whatever its state folder: `--state A` and `--state B` on one root would split
    /// the Inbox and write conflicting Outbox files. The second is refused naming the first; kill -9 frees the root.
    func testASecondDaemonOnTheSameRootWithAnotherStateFolderIsRefused() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        let first = try root.start(["run", "--state", root.path + "/state-a"], label: "first")
        defer { first.kill(); _ = first.wait(timeout: 20) }
        XCTAssertTrue(first.waitForStderr(containing: "bilag ready", timeout: 20), first.stderrText())

        for args in [["run", "--state", root.path + "/state-b"], ["run", "--once", "--state", root.path + "/state-b"]] {
            let second = try root.bilag(args, timeout: 30)
            XCTAssertEqual(second.exitCode, 4, "\(args) ran beside the first: \(second)")
            XCTAssertTrue(second.stderr.contains("pid \(first.pid)") && second.stderr.contains("Inbox and Outbox"), "the refusal names the running daemon: \(second.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.path + "/state-b/bilag.sqlite"), "the second set up a store")
        XCTAssertTrue(first.isRunning)

        first.kill()
        _ = first.wait(timeout: 20)
        let next = try root.start(["run", "--state", root.path + "/state-b"], label: "next")
        XCTAssertTrue(next.waitForStderr(containing: "bilag ready", timeout: 20), next.stderrText())
        next.terminate()
        XCTAssertEqual(next.wait(timeout: 20)?.exitCode, 0)
    }

    /// `store rebuild` builds a store from the Outbox: a daemon working the root meanwhile (with another state folder)
    /// would book into the Outbox as it is read. The rebuild is refused, naming the daemon, and moves nothing aside.
    func testStoreRebuildIsRefusedWhileADaemonWorksTheRoot() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        // A store to move aside in the other state folder.
        XCTAssertEqual(try root.bilag(["run", "--once", "--state", root.path + "/state-b"], timeout: 60).exitCode, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.path + "/state-b/bilag.sqlite"))
        let first = try root.start(["run", "--state", root.path + "/state-a"], label: "first")
        defer { first.kill(); _ = first.wait(timeout: 20) }
        XCTAssertTrue(first.waitForStderr(containing: "bilag ready", timeout: 20), first.stderrText())
        let before = try FileManager.default.contentsOfDirectory(atPath: root.path + "/state-b").sorted()

        let rebuild = try root.bilag(["store", "rebuild", "--yes", "--state", root.path + "/state-b"], timeout: 30)
        XCTAssertEqual(rebuild.exitCode, 4, "the rebuild ran beside the daemon: \(rebuild)")
        XCTAssertTrue(rebuild.stderr.contains("pid \(first.pid)"), "the refusal names the running daemon: \(rebuild.stderr)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path + "/state-b").sorted(), before, "the refused rebuild moved something aside")
        XCTAssertTrue(first.isRunning)
    }
}
