import BilagEngine
import Foundation
import XCTest

/// The backoff and deadline of invoices waiting for a case system, on an injected clock.
final class RetryPolicyTests: XCTestCase {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    var start: Date { Self.start }

    func policy(at seconds: Double, jitter: Double = 1) -> RetryPolicy {
        let now = start.addingTimeInterval(seconds)
        return RetryPolicy(baseSeconds: 30, maxSeconds: 1800, deadlineSeconds: 3600, now: { now }, jitter: { jitter })
    }

    func delay(_ next: RetryPolicy.Next, from seconds: Double) -> Double? {
        guard case let .retry(at) = next else { return nil }
        return at.timeIntervalSince(start) - seconds
    }

    func testDelayDoublesWithTimeWaitedUpToTheMaximum() {
        XCTAssertEqual(delay(policy(at: 0).next(waitingSince: start), from: 0), 30)
        XCTAssertEqual(delay(policy(at: 30).next(waitingSince: start), from: 30), 30)
        XCTAssertEqual(delay(policy(at: 60).next(waitingSince: start), from: 60), 60)
        XCTAssertEqual(delay(policy(at: 130).next(waitingSince: start), from: 130), 120)
        XCTAssertEqual(delay(policy(at: 250).next(waitingSince: start), from: 250), 240)
        let late = RetryPolicy(baseSeconds: 30, maxSeconds: 1800, deadlineSeconds: 86400, now: { RetryPolicyTests.start.addingTimeInterval(10_000) }, jitter: { 1 })
        XCTAssertEqual(delay(late.next(waitingSince: start), from: 10_000), 1800, "capped at the maximum")
    }

    func testJitterSpreadsTheDelay() {
        XCTAssertEqual(delay(policy(at: 60, jitter: 0.8).next(waitingSince: start), from: 60), 48)
        XCTAssertEqual(delay(policy(at: 60, jitter: 1.2).next(waitingSince: start), from: 60), 72)
        let real = RetryPolicy(baseSeconds: 30, maxSeconds: 1800, deadlineSeconds: 3600, now: { RetryPolicyTests.start })
        let delays = Set((0..<50).compactMap { _ in delay(real.next(waitingSince: start), from: 0) })
        XCTAssertGreaterThan(delays.count, 1, "the default jitter varies")
        XCTAssertTrue(delays.allSatisfy { (24...36).contains($0) }, "\(delays)")
    }

    func testRetryAfterOrAnOpenBreakerIsHonoured() {
        let wish = start.addingTimeInterval(500)
        XCTAssertEqual(delay(policy(at: 0).next(waitingSince: start, notBefore: wish), from: 0), 500)
        // A wish sooner than the backoff changes nothing.
        XCTAssertEqual(delay(policy(at: 0).next(waitingSince: start, notBefore: start.addingTimeInterval(5)), from: 0), 30)
    }

    func testTheLastTryFallsOnTheDeadlineThenItGivesUp() {
        XCTAssertEqual(delay(policy(at: 3500).next(waitingSince: start), from: 3500), 100, "not past the deadline")
        XCTAssertEqual(delay(policy(at: 0).next(waitingSince: start, notBefore: start.addingTimeInterval(99_999)), from: 0), 3600)
        XCTAssertEqual(policy(at: 3600).next(waitingSince: start), .giveUp)
        XCTAssertEqual(policy(at: 9999).next(waitingSince: start), .giveUp)
        let none = RetryPolicy(baseSeconds: 30, maxSeconds: 60, deadlineSeconds: 0, now: { RetryPolicyTests.start }, jitter: { 1 })
        XCTAssertEqual(none.next(waitingSince: start), .giveUp, "a deadline of 0 sends a failing invoice to manual at once")
    }
}
