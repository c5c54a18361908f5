@testable import BilagStore
import Foundation
import GRDB
import XCTest

/// The write-ahead log is copied into the database mostly by the checkpoint thread, the writer copying only the rest;
/// the log is started over and stays bounded, also when the thread is held up or stopped, and every commit stays
/// readable throughout.
final class CheckpointerTests: XCTestCase {
    /// A store in a fresh temporary folder (removed when the test ends) whose log goes to a checkpointer with these thresholds.
    func store(threshold: Int32, handOver: Int32) throws -> (Store, Checkpointer, path: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bilag-checkpoint-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/bilag.sqlite"
        let checkpointer = Checkpointer(path: path, thresholdFrames: threshold, handOverFrames: handOver)
        return (try Store(path: path, checkpointer: checkpointer), checkpointer, path)
    }

    /// 20 claims, each with a content hash of its own: a few pages of log.
    func commit(_ store: Store, _ batch: Int) throws {
        try store.recordClaims(StoreFixture.claims(20, tag: "ck\(batch)") { String(format: "%064x", batch * 100 + $0) })
    }

    func logBytes(_ path: String) -> Int64 {
        (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int64) ?? 0
    }

    /// The invoices another connection reads.
    func databaseCount(_ path: String) throws -> Int {
        let reader = try DatabaseQueue(path: path)
        defer { try? reader.close() }
        return try reader.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM invoice") ?? -1 }
    }

    func testTheThreadCopiesTheLogAndTheWriterOnlyTheRest() throws {
        let (store, checkpointer, path) = try store(threshold: 64, handOver: 16)
        XCTAssertEqual(try store.writerPragma("wal_autocheckpoint"), 0, "SQLite's automatic checkpoint would copy the whole log inside a commit")

        var largestLog: Int64 = 0
        for batch in 0..<60 {
            try commit(store, batch)
            largestLog = max(largestLog, logBytes(path))
            // Now and then the writer waits for the thread, as a slower writer would; in between it does not.
            if batch % 3 == 0 { checkpointer.waitWhileCopying() }
        }
        XCTAssertGreaterThan(checkpointer.threadCopies, 2, "the thread copies once 64 frames are in the log")
        XCTAssertGreaterThan(checkpointer.writerCopies, 0, "the writer copies what the thread's copy left")
        // 64 frames of 4 KiB pages and their headers, and what the commits during a copy added: the log was started
        // over again and again rather than growing with the 1,200 claims.
        XCTAssertLessThan(largestLog, 3 * 64 * 4120, "the log is started over once it is wholly copied")
        XCTAssertEqual(try databaseCount(path), 1200)
    }

    func testTheWriterCopiesItselfWhenTheThreadIsHeldUp() throws {
        let (store, checkpointer, path) = try store(threshold: 32, handOver: 8)
        let release = DispatchSemaphore(value: 0)
        let holding = DispatchSemaphore(value: 0)
        var held = false
        checkpointer.beforeThreadCopy = {
            if !held { held = true; holding.signal(); release.wait() }
        }
        var batch = 0
        while checkpointer.threadCopies == 0, holding.wait(timeout: .now()) == .timedOut {
            try commit(store, batch); batch += 1
            XCTAssertLessThan(batch, 200, "the thread is asked to copy once the log holds 32 frames")
        }
        // The thread stands before its first copy: the writer's commits go on, and at twice the threshold it copies.
        for _ in 0..<30 { try commit(store, batch); batch += 1 }
        XCTAssertGreaterThan(checkpointer.writerCopies, 0, "at twice the threshold the writer copies without the thread")
        XCTAssertLessThan(logBytes(path), 4 * 32 * 4120, "the log stays bounded while the thread is held up")
        release.signal()
        checkpointer.waitWhileCopying()
        try commit(store, batch); batch += 1
        XCTAssertEqual(try databaseCount(path), batch * 20)
    }

    func testWithTheThreadStoppedTheWriterCopiesAtTheThreshold() throws {
        let (store, checkpointer, path) = try store(threshold: 32, handOver: 8)
        checkpointer.stop()
        // (Creating the schema may have filled the log past 32 frames already, and the thread copied that.)
        let (threadBefore, writerBefore) = (checkpointer.threadCopies, checkpointer.writerCopies)
        for batch in 0..<40 { try commit(store, batch) }
        XCTAssertEqual(checkpointer.threadCopies, threadBefore)
        XCTAssertGreaterThan(checkpointer.writerCopies, writerBefore)
        XCTAssertLessThan(logBytes(path), 3 * 32 * 4120)
        XCTAssertEqual(try store.invoices(limit: 1000).count, 800)
    }

    /// Closing a store whose thread is running stops it, and the database file then holds every commit.
    func testClosingStopsTheThreadAndLeavesEverythingInTheDatabase() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bilag-checkpoint-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/bilag.sqlite"
        do {
            let checkpointer = Checkpointer(path: path, thresholdFrames: 32, handOverFrames: 8)
            let store = try Store(path: path, checkpointer: checkpointer)
            for batch in 0..<30 { try commit(store, batch) }
            XCTAssertGreaterThan(checkpointer.threadCopies + checkpointer.writerCopies, 0)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-wal"), "the last connection copied the log and removed it")
        XCTAssertEqual(try databaseCount(path), 600)
    }
}
