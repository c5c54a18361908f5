@testable import BilagStore
import Foundation
import GRDB
import XCTest

/// The write-ahead log is copied into the database by the checkpoint thread, not by the commit that fills it; it is
/// restarted before it grows past its bound, and every commit stays readable throughout.
final class CheckpointerTests: XCTestCase {
    /// A store in a fresh temporary folder (removed when the test ends) whose log goes to a checkpointer with these thresholds.
    func store(passiveFrames: Int32, restartFrames: Int32) throws -> (Store, Checkpointer, path: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bilag-checkpoint-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/bilag.sqlite"
        let checkpointer = Checkpointer(path: path, passiveFrames: passiveFrames, restartFrames: restartFrames)
        return (try Store(path: path, checkpointer: checkpointer), checkpointer, path)
    }

    func testTheWriterLeavesCheckpointsToTheThreadWhichKeepsTheLogBounded() throws {
        let (store, checkpointer, path) = try store(passiveFrames: 32, restartFrames: 128)
        XCTAssertEqual(try store.writerPragma("wal_autocheckpoint"), 0, "SQLite's automatic checkpoint would copy the log inside a commit")

        // 40 commits of 20 claims each, every claim with a content hash of its own: a few pages a commit. Between
        // commits the thread catches up, and the writer starts the log over by itself.
        var largestLog: Int64 = 0
        func commit(_ batch: Int) throws {
            try store.recordClaims(StoreFixture.claims(20, tag: "ck\(batch)") { String(format: "%064x", batch * 100 + $0) })
        }
        for batch in 0..<40 {
            try commit(batch)
            checkpointer.waitUntilIdle()
            largestLog = max(largestLog, (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int64) ?? 0)
        }
        XCTAssertGreaterThan(checkpointer.checkpoints, 3, "the thread checkpoints once 32 frames are committed")
        // 128 frames of 4 KiB pages and their headers, plus what the commits during a checkpoint added.
        XCTAssertLessThan(largestLog, 2 * 128 * 4120, "the log is started over before it grows past its bound")

        // A reader holding an old snapshot keeps the passive checkpoints from copying the newer pages, so the log
        // grows past its bound while the writer goes on; once the reader is done, a RESTART starts it over.
        let pinned = try DatabaseQueue(path: path)
        let holding = DispatchSemaphore(value: 0)
        let reading = Thread {
            try? pinned.read { db in
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM invoice")
                holding.signal()
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
        reading.start()
        holding.wait()
        for batch in 40..<60 { try commit(batch) }
        Thread.sleep(forTimeInterval: 0.6)
        checkpointer.waitUntilIdle()
        XCTAssertGreaterThan(checkpointer.restarts, 0, "a log held past its bound by a reader is restarted once the reader is done")
        try commit(60)
        let afterRestart = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int64) ?? 0
        XCTAssertGreaterThan(afterRestart, 0)

        // Another connection sees every commit, and the database file holds them once the log is gone.
        let reader = try DatabaseQueue(path: path)
        XCTAssertEqual(try reader.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM invoice") }, 1220)
        try reader.close()
        checkpointer.stop()
        let copied = try DatabaseQueue(path: path)
        try copied.writeWithoutTransaction { _ = try $0.checkpoint(.truncate) }
        XCTAssertEqual(try copied.read { try Int.fetchOne($0, sql: "SELECT count(DISTINCT sha256) FROM invoice") }, 1220)
    }

    /// With the thread stopped the writer goes on committing; the log only waits for the next checkpoint.
    func testCommitsGoOnWhileTheThreadIsStopped() throws {
        let (store, checkpointer, _) = try store(passiveFrames: 16, restartFrames: 64)
        checkpointer.stop()
        let before = checkpointer.checkpoints
        for batch in 0..<10 {
            try store.recordClaims(StoreFixture.claims(20, tag: "st\(batch)") { String(format: "%064x", batch * 100 + $0) })
        }
        XCTAssertEqual(checkpointer.checkpoints, before)
        XCTAssertEqual(try store.invoices(limit: 1000).count, 200)
    }
}
