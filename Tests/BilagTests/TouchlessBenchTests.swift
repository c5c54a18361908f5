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

    /// The month runs with the pipeline tuning `bilag run` takes from the environment, and only that: an operator's
    /// `BILAG_STATE` does not send the month's database into their state folder.
    func testTheMonthRunsWithTheEnvironmentsTuningAndNothingElseOfIt() throws {
        let repository = try ShippedRobots.repositoryCopy()
        defer { try? FileManager.default.removeItem(atPath: repository) }
        let state = NSTemporaryDirectory() + "bilag-not-the-months-state-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: state) }
        let tuned = try TouchlessBench(count: 120, seed: 7, repository: repository,
                                       environment: ["BILAG_WORKERS": "3", "BILAG_WORKERS_NICE": "2", "BILAG_BATCH_SIZE": "32", "BILAG_STATE": state]).run()
        XCTAssertEqual(tuned.mismatches, [])
        XCTAssertEqual(tuned.pipeline.workers, 3)
        XCTAssertFalse(tuned.pipeline.workersPerCore)
        XCTAssertEqual(tuned.pipeline.workersNice, 2)
        XCTAssertEqual(tuned.pipeline.batchSize, 32)
        XCTAssertEqual(tuned.pipeline.description, "pipeline: 3 examination workers at nice 2, batches of 32")
        XCTAssertFalse(FileManager.default.fileExists(atPath: state), "BILAG_STATE is not the month's")

        let plain = try TouchlessBench(count: 120, seed: 7, repository: repository, environment: [:]).run()
        XCTAssertEqual(plain.pipeline.workers, max(1, ProcessInfo.processInfo.activeProcessorCount))
        XCTAssertTrue(plain.pipeline.workersPerCore)
        XCTAssertEqual(plain.pipeline.batchSize, 256)
        XCTAssertTrue(plain.pipeline.description.contains("(one per core) at nice 5, batches of 256"), plain.pipeline.description)
        XCTAssertEqual(plain.booked, tuned.booked, "the tuning changes how the month is run, not its decisions")
    }

    /// `bilag bench --touchless` names the pipeline it ran with, as `bilag run` would have set it up from the same
    /// environment.
    func testTheBenchBinaryReportsThePipelineItRanWith() throws {
        let repository = try ShippedRobots.repositoryCopy()
        defer { try? FileManager.default.removeItem(atPath: repository) }
        let logs = NSTemporaryDirectory() + "bilag-bench-logs-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: logs) }
        let outcome = try BilagBinary.locate().run(["bench", "--touchless", "120", "--root", repository],
                                                  environment: ["BILAG_WORKERS": "3", "BILAG_BATCH_SIZE": "64"], logDirectory: logs, timeout: 300)
        let out = outcome.stdout
        XCTAssertEqual(outcome.exitCode, 0, outcome.stderr)
        XCTAssertTrue(out.contains("  pipeline: 3 examination workers at nice 5, batches of 64\n"), out)
        XCTAssertTrue(out.contains("outcome as expected     120/120"), out)
    }

    /// The no-robot pipeline's `bilag run --once` takes the same tuning from the environment, and none of bilag's
    /// other variables: its state is the run's temporary root, never an operator's `BILAG_STATE`.
    func testThePipelineRunTakesTheTuningAndNotTheState() {
        let env = BenchRunner.childEnvironment(["BILAG_WORKERS": "3", "BILAG_WORKERS_NICE": "2", "BILAG_BATCH_SIZE": "64", "BILAG_STATE": "/var/lib/bilag",
                                                "BILAG_CONFIG": "/etc/bilag/bilag.yaml", "BILAG_ROOT": "/srv/bilag", "PATH": "/usr/bin"], root: "/tmp/bench-root")
        XCTAssertEqual(env, ["BILAG_WORKERS": "3", "BILAG_WORKERS_NICE": "2", "BILAG_BATCH_SIZE": "64", "BILAG_ROOT": "/tmp/bench-root", "PATH": "/usr/bin"])
    }
}
