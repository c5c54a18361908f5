@testable import BilagEngine
import Foundation
import XCTest

/// The pieces the pipeline's stages hand work over with: order kept, bounded, and a failing taker never strands a giver.
final class PipelineStagesTests: XCTestCase {
    func testHandoffKeepsOrderAndBlocksTheGiverWhenFull() {
        let handoff = BatchHandoff<Int>(capacity: 2)
        let given = Counter()
        let giver = Thread {
            for i in 0..<100 {
                XCTAssertTrue(handoff.put(i))
                given.increment()
            }
            handoff.finish()
        }
        giver.start()
        Thread.sleep(forTimeInterval: 0.2)
        let early = given.value
        XCTAssertLessThanOrEqual(early, 2, "the giver must wait while the hand-over is full")
        var taken: [Int] = []
        while let i = handoff.take() { taken.append(i) }
        XCTAssertEqual(taken, Array(0..<100))
    }

    func testPollNeverWaitsAndTellsEmptyFromFinished() {
        let handoff = BatchHandoff<Int>(capacity: 2)
        guard case .empty = handoff.poll() else { return XCTFail("nothing handed over yet: empty") }
        XCTAssertTrue(handoff.put(7))
        guard case .item(7) = handoff.poll() else { return XCTFail("the waiting item") }
        guard case .empty = handoff.poll() else { return XCTFail("taken: empty again") }
        XCTAssertTrue(handoff.put(8))
        handoff.finish()
        guard case .item(8) = handoff.poll() else { return XCTFail("items given before finish are still taken") }
        guard case .finished = handoff.poll() else { return XCTFail("finished once everything is taken") }
    }

    func testCancelReleasesAWaitingGiverAndRefusesMore() {
        let handoff = BatchHandoff<Int>(capacity: 1)
        XCTAssertTrue(handoff.put(1))
        let released = expectation(description: "giver released")
        Thread {
            XCTAssertFalse(handoff.put(2), "a put after the taker gave up is refused")
            released.fulfill()
        }.start()
        Thread.sleep(forTimeInterval: 0.1)
        XCTAssertEqual(handoff.cancel(), [1])
        wait(for: [released], timeout: 5)
    }

    func testWorkerPoolThreadsRunNicerThanTheirCreator() {
        errno = 0
        let base = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        guard base <= 14 else { return }  // already near the bottom: nothing to compare
        let pool = WorkerPool(threads: 2, name: "test", nice: 5)
        defer { pool.close() }
        let done = DispatchSemaphore(value: 0)
        var seen: Int32 = .min
        pool.submit { errno = 0; seen = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0); done.signal() }
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(seen, base + 5, "the examination workers run 5 nice steps below the thread that made them")
        XCTAssertEqual(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0), base, "the creating thread keeps its priority")
    }

    func testWorkerPoolRunsEveryJobOnItsThreads() {
        let pool = WorkerPool(threads: 3, name: "test")
        defer { pool.close() }
        let group = DispatchGroup()
        let lock = NSLock()
        var seen = Set<Int>()
        var onMain = 0
        for i in 0..<500 {
            group.enter()
            pool.submit {
                lock.lock(); seen.insert(i); if Thread.isMainThread { onMain += 1 }; lock.unlock()
                group.leave()
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(seen.count, 500)
        XCTAssertEqual(onMain, 0)
    }
}

