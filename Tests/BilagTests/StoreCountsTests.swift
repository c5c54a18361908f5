import BilagStore
import Foundation
import XCTest

/// `bilag status`'s counts: every state but booked is broken down by reason.
final class StoreCountsTests: XCTestCase {
    func testReceivedSplitsIntoWaitingAndInProgress() throws {
        let store = try StoreFixture.store(self, "counts")
        let claims = StoreFixture.claims(3, tag: "cnt") { _ in String(repeating: "cd", count: 32) }
        try store.recordClaims(claims)
        var waiting = Outcome(invoiceID: claims[0].id, state: .received, reasonCode: "waiting-for-health", reasonMessage: "waiting for case system health", actor: "system", action: "waiting")
        waiting.retryAt = "2026-11-23T12:01:00.000Z"
        try store.apply([waiting, Outcome(invoiceID: claims[1].id, state: .manual, reasonCode: "no-robot", reasonMessage: "no robot", actor: "system", action: "decided")])
        let c = try store.counts()
        XCTAssertEqual(c.byState, ["received": 2, "manual": 1])
        XCTAssertEqual(c.byReason["received"], ["waiting-for-health": 1, "in-progress": 1])
        XCTAssertEqual(c.byReason["manual"], ["no-robot": 1])
    }
}
