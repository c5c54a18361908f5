import BilagCore
import BilagEngine
@testable import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// A write-back is claimed before it is sent (one statement), so two senders at once — the daemon's case-update
/// service and an operator's `queue retry`, or two daemons on one store — never send the same write-back together; a
/// claim left by a sender killed while sending lapses once its process is gone.
extension CaseUpdateHoldTests {
    func testTwoSendersAtOnceNeverSendTheSameWriteBack() throws {
        let s = try server()
        let w = try world(s)
        try bookFirstRent(w)
        let robots = try sendingByHand(w)
        try w.run([Self.december])
        let id = try w.record("r-december").id
        XCTAssertEqual(try w.store.pendingCaseUpdates(limit: 10).map(\.invoiceID), [id])
        let before = s.stats["writes"] as? Int ?? 0
        // Each answer takes a while: both senders have read the pending list before either has marked it sent.
        try s.delay(0.6)
        let results = Locked<[CaseUpdateSender.Result]>([])
        let group = DispatchGroup()
        for _ in 0..<2 {
            DispatchQueue.global().async(group: group) {
                if let r = try? robots.caseUpdateSender().flush(dueOnly: false) { results.mutate { $0.append(r) } }
            }
        }
        group.wait()
        try s.delay(0)
        XCTAssertEqual((s.stats["writes"] as? Int ?? 0) - before, 1, "the write-back went out once: \(s.stats)")
        XCTAssertEqual(results.value.map(\.sent).reduce(0, +), 1)
        XCTAssertEqual(results.value.flatMap(\.released), [id], "released once")
        XCTAssertEqual(try w.store.caseUpdates(invoice: id).filter { $0.compensates == nil }.map(\.state).last, "sent")
    }

    func testAClaimIsHeldAgainstOthersUntilItEndsAndLapsesWhenItsProcessIsGone() throws {
        let w = try world(nil)
        try bookFirstRent(w)
        _ = try sendingByHand(w)
        try w.run([Self.december])
        let u = try XCTUnwrap(try w.store.pendingCaseUpdates(limit: 10).first)
        let mine = Store.caseUpdateClaimant(), other = Store.caseUpdateClaimant()
        XCTAssertTrue(try w.store.claimCaseUpdate(u.id, by: mine))
        XCTAssertFalse(try w.store.claimCaseUpdate(u.id, by: other), "held by a live sender")
        XCTAssertEqual(try w.store.caseUpdateClaim(u.id).map { String($0.prefix(while: { $0 != ":" })) }, String(getpid()))
        try w.store.markCaseUpdateFailed(u.id, error: "HTTP 503")
        XCTAssertTrue(try w.store.claimCaseUpdate(u.id, by: other), "a failed attempt drops its claim")
        try w.store.releaseCaseUpdateClaim(u.id, by: other)
        // A sender killed while sending: its process is gone, so its claim is void at once (pid 0x3FFFFFFF is above
        // any pid_max); so is one of a process killed and not yet reaped (a zombie), and one whose pid another
        // process has since (another start time). One held by a live process (pid 1) stands until its lease runs out.
        for dead in ["1073741823:1:x", zombieClaimant(), "1:12345:x"] {
            XCTAssertTrue(try w.store.claimCaseUpdate(u.id, by: dead), dead)
            XCTAssertTrue(try w.store.claimCaseUpdate(u.id, by: mine), "the dead sender's claim lapsed: \(dead)")
            try w.store.releaseCaseUpdateClaim(u.id, by: mine)
        }
        XCTAssertTrue(try w.store.claimCaseUpdate(u.id, by: Store.caseUpdateClaimant(pid: 1), lease: 60))
        XCTAssertFalse(try w.store.claimCaseUpdate(u.id, by: mine))
        XCTAssertTrue(try w.store.claimCaseUpdate(u.id, by: mine, now: Date().addingTimeInterval(61)), "the lease ran out")
        _ = try w.store.markCaseUpdateSent(u.id)
        XCTAssertNil(try w.store.caseUpdateClaim(u.id))
    }
}

/// The claimant name of a child process killed with SIGKILL and not yet reaped (a zombie while this runs).
func zombieClaimant() -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sleep")
    p.arguments = ["30"]
    guard (try? p.run()) != nil else { return "1073741823:1:x" }
    let claimant = Store.caseUpdateClaimant(pid: p.processIdentifier)
    kill(p.processIdentifier, SIGKILL)
    usleep(100_000)
    return claimant
}

/// A value shared between threads.
final class Locked<T>: @unchecked Sendable {
    private var v: T
    private let lock = NSLock()
    init(_ v: T) { self.v = v }
    var value: T { lock.lock(); defer { lock.unlock() }; return v }
    func mutate(_ f: (inout T) -> Void) { lock.lock(); defer { lock.unlock() }; f(&v) }
}
