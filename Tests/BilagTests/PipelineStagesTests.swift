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

