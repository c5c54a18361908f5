import BilagBench
import BilagTestKit
import Foundation
import XCTest

/// The generated mixed month decides every invoice as expected (the benchmark prints the same figures at scale).
final class TouchlessBenchTests: XCTestCase {
    func testGeneratedMonthIsDecidedAsExpected() throws {
        let repository = try ShippedRobots.repositoryCopy()
        defer { try? FileManager.default.removeItem(atPath: repository) }
        let result = try TouchlessBench(count: 300, seed: 7, repository: repository).run()
        print("touchless: \(result.booked)/\(result.invoices) booked (\(Int(result.touchlessRate * 100)) %), \(result.asExpected)/\(result.invoices) as expected; by kind \(result.byKind)")
        XCTAssertEqual(result.mismatches, [])
        XCTAssertEqual(result.asExpected, result.invoices)
        XCTAssertGreaterThan(result.touchlessRate, 0.6)
    }
}
