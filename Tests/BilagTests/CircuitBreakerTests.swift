import BilagRobots
import Foundation
import Synchronization
import XCTest

/// The per-connector circuit breaker, on an injected clock.
final class CircuitBreakerTests: XCTestCase {
    final class Clock: Sendable {
        let t = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        var now: Date { t.withLock { $0 } }
        func advance(_ s: Double) { t.withLock { $0 = $0.addingTimeInterval(s) } }
    }

    func testOpensAfterRepeatedFailuresAndAHalfOpenProbeClosesIt() {
        let clock = Clock()
        let b = CircuitBreaker(threshold: 3, openSeconds: 30, now: { clock.now })
        for _ in 0..<2 { XCTAssertNil(b.permit()); b.failed("HTTP 500") }
        XCTAssertEqual(b.current, .closed)
        XCTAssertNil(b.permit()); b.failed("HTTP 500")
        XCTAssertEqual(b.current, .open)
        XCTAssertNotNil(b.permit(), "open: nothing is sent")
        XCTAssertEqual(b.notBefore, clock.now.addingTimeInterval(30))
        clock.advance(30)
        XCTAssertNil(b.permit(), "after the open period one probe goes")
        XCTAssertEqual(b.current, .halfOpen)
        XCTAssertNotNil(b.permit(), "only one probe at a time")
        b.succeeded()
        XCTAssertEqual(b.current, .closed)
        XCTAssertNil(b.permit())
    }

    func testAFailedProbeOpensItAgain() {
        let clock = Clock()
        let b = CircuitBreaker(threshold: 1, openSeconds: 10, now: { clock.now })
        b.failed("timeout")
        clock.advance(10)
        XCTAssertNil(b.permit())
        b.failed("timeout")
        XCTAssertEqual(b.current, .open)
        XCTAssertNotNil(b.permit())
        XCTAssertEqual(b.lastError, "timeout")
    }

    func testRetryAfterHoldsRequestsEvenWhileClosed() {
        let clock = Clock()
        let b = CircuitBreaker(threshold: 5, openSeconds: 10, now: { clock.now })
        b.failed("HTTP 429", retryAfter: 60)
        XCTAssertEqual(b.current, .closed)
        XCTAssertNotNil(b.permit())
        XCTAssertEqual(b.notBefore, clock.now.addingTimeInterval(60))
        clock.advance(60)
        XCTAssertNil(b.permit())
        // An opening breaker stays open at least as long as the case system asked.
        let c = CircuitBreaker(threshold: 1, openSeconds: 10, now: { clock.now })
        c.failed("HTTP 503", retryAfter: 120)
        XCTAssertEqual(c.notBefore, clock.now.addingTimeInterval(120))
    }

    /// Requests of one wave answered 503 with `Retry-After: 3600` and then 429 with `Retry-After: 60`: the longer wish
    /// stands, for the connector and for an open breaker alike.
    func testALongerRetryAfterIsNotCutByAShorterOne() {
        let clock = Clock()
        let b = CircuitBreaker(threshold: 5, openSeconds: 10, now: { clock.now })
        b.failed("HTTP 503", retryAfter: 3600)
        clock.advance(1)
        b.failed("HTTP 429", retryAfter: 60)
        XCTAssertEqual(b.notBefore, clock.now.addingTimeInterval(3599))
        let o = CircuitBreaker(threshold: 1, openSeconds: 10, now: { clock.now })
        o.failed("HTTP 503", retryAfter: 3600)
        o.failed("HTTP 500")
        XCTAssertEqual(o.notBefore, clock.now.addingTimeInterval(3600))
        clock.advance(120)
        XCTAssertNotNil(o.permit(), "still open: the case system asked for an hour")
    }
}
