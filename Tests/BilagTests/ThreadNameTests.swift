import BilagCore
import BilagTestKit
import Foundation
import XCTest

/// The daemon's threads carry their names for the system (`top -H`, `ps -L`, `perf`, `scripts/profile-touchless
/// schedstat`), not only inside Foundation: an operator can tell the committing thread, the claim thread and the
/// examination workers apart.
final class ThreadNameTests: XCTestCase {
    func testTheDaemonsThreadsAreNamedForTheSystem() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", pollIntervalMs: 50)
        try root.deliverCopies(of: "peppol-bis3/examples/base-example.xml", count: 1500, prefix: "NAMED")
        let daemon = try root.start(["run"], environment: ["BILAG_WORKERS": "2"], label: "daemon")
        defer { daemon.kill(); _ = daemon.wait(timeout: 20) }
        func names() -> Set<String> { Set(daemon.threadNames()) }
        // While the first pass works through the Inbox: the committing thread and the claim thread, and the workers.
        var seen = Set<String>()
        let wanted: Set<String> = ["bilag-commit", "bilag-claim", "bilag-examine-0", "bilag-examine-1"]
        XCTAssertTrue(poll(timeout: 60, interval: 0.005) { seen.formUnion(names()); return wanted.isSubset(of: seen) }, "thread names seen: \(seen.sorted())")
    }

    /// A thread named for a while (as the thread that runs a pass is) gets its own name back after; a long name is cut
    /// at 15 bytes, never inside a character.
    func testANameForAWhileIsGivenBack() {
        let done = expectation(description: "thread")
        let t = Thread {
            ThreadName.setForThisThread("bilag-test-a")
            let inside = ThreadName.during("bilag-test-b") { ThreadName.ofThisThread() }
            XCTAssertEqual(inside, "bilag-test-b")
            XCTAssertEqual(ThreadName.ofThisThread(), "bilag-test-a")
            ThreadName.setForThisThread("a-name-longer-than-fifteen-bytes")
            XCTAssertEqual(ThreadName.ofThisThread(), "a-name-longer-t", "the system keeps 15 bytes")
            ThreadName.setForThisThread("bilag-http-aøøø")
            XCTAssertEqual(ThreadName.ofThisThread(), "bilag-http-aø", "cut before the character that does not fit")
            let restored = ThreadName.during("bilag-commit") { ThreadName.ofThisThread() }
            XCTAssertEqual(restored, "bilag-commit")
            XCTAssertEqual(ThreadName.ofThisThread(), "bilag-http-aø")
            done.fulfill()
        }
        t.start()
        wait(for: [done], timeout: 10)
    }
}
