import BilagCore
import BilagEngine
import BilagTestKit
import Foundation
import XCTest

/// The configuration file and its environment overrides: defaults that work, and clear refusals.
final class ConfigLoaderTests: XCTestCase {
    var root = ""

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("bilag-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: root) }

    func load(_ yaml: String?, environment: [String: String] = [:]) throws -> BilagConfig {
        if let yaml { try yaml.write(toFile: root + "/bilag.yaml", atomically: true, encoding: .utf8) }
        return try ConfigLoader.load(root: root, environment: environment)
    }

    func refusal(_ yaml: String?, environment: [String: String] = [:]) -> BilagError? {
        do { _ = try load(yaml, environment: environment); return nil } catch { return error as? BilagError }
    }

    func testTheShippedFileIsTheDefaults() throws {
        let shipped = try String(contentsOfFile: Corpus.packageRoot + "/bilag.yaml", encoding: .utf8)
        let fromFile = try load(shipped)
        let defaults = BilagConfig(root: fromFile.root)
        XCTAssertEqual(fromFile.workersNice, defaults.workersNice)
        XCTAssertEqual(fromFile.retryBaseSeconds, defaults.retryBaseSeconds)
        XCTAssertEqual(fromFile.retryMaxSeconds, defaults.retryMaxSeconds)
        XCTAssertEqual(fromFile.batchSize, defaults.batchSize)
        XCTAssertEqual(fromFile.maxBytesInFlight, defaults.maxBytesInFlight)
    }

    /// `intake.max_bytes_in_flight`: 256 MiB by default, at least 1 MiB.
    func testMaxBytesInFlight() throws {
        XCTAssertEqual(try load(nil).maxBytesInFlight, 256 * 1024 * 1024)
        XCTAssertEqual(try load("intake:\n  max_bytes_in_flight: 33554432\n").maxBytesInFlight, 32 * 1024 * 1024)
        let small = refusal("intake:\n  max_bytes_in_flight: 1000\n")
        XCTAssertEqual(small?.code, "config-invalid")
        XCTAssertTrue(small?.message.contains("max_bytes_in_flight") == true, "\(String(describing: small))")
    }

    func testUnfinishedDeliveryMinutes() throws {
        XCTAssertEqual(try load(nil).unfinishedDeliveryMinutes, 60)
        XCTAssertEqual(try load("intake:\n  unfinished_delivery_minutes: 15\n").unfinishedDeliveryMinutes, 15)
        let zero = refusal("intake:\n  unfinished_delivery_minutes: 0\n")
        XCTAssertEqual(zero?.code, "config-invalid")
        XCTAssertTrue(zero?.message.contains("unfinished_delivery_minutes") == true, "\(String(describing: zero))")
    }

    func testWorkersNiceFromFileAndEnvironment() throws {
        XCTAssertEqual(try load(nil).workersNice, 5)
        XCTAssertEqual(try load("workers_nice: 0\n").workersNice, 0)
        XCTAssertEqual(try load("workers_nice: 2\n", environment: ["BILAG_WORKERS_NICE": "7"]).workersNice, 7)
        XCTAssertEqual(refusal("workers_nice: 20\n")?.code, "config-invalid")
        XCTAssertEqual(refusal(nil, environment: ["BILAG_WORKERS_NICE": "-1"])?.code, "config-invalid")
    }

    func testCaseSystemBackoffMustBeAbleToGrow() throws {
        let ok = try load("case_systems:\n  retry_base_seconds: 5\n  retry_max_seconds: 60\n")
        XCTAssertEqual(ok.retryBaseSeconds, 5)
        XCTAssertEqual(ok.retryMaxSeconds, 60)
        let zero = refusal("case_systems:\n  retry_base_seconds: 0\n")
        XCTAssertEqual(zero?.code, "config-invalid")
        XCTAssertTrue(zero?.message.contains("retry_base_seconds is 0") ?? false, zero?.message ?? "no error")
        XCTAssertEqual(refusal("case_systems:\n  retry_base_seconds: 60\n  retry_max_seconds: 30\n")?.code, "config-invalid")
        XCTAssertEqual(refusal("case_systems:\n  deadline_minutes: -1\n")?.code, "config-invalid")
    }

    /// `log.level` is checked like every other value: a typo is refused with the levels there are.
    func testAnUnknownLogLevelIsRefused() throws {
        XCTAssertEqual(try load("log:\n  level: debug\n").logLevel, "debug")
        let typo = refusal("log:\n  level: verbose\n")
        XCTAssertEqual(typo?.code, "config-invalid")
        XCTAssertTrue(typo?.message.contains("verbose") ?? false, typo?.message ?? "no error")
        XCTAssertTrue(typo?.remedy.contains("warning") ?? false)
        XCTAssertEqual(refusal(nil, environment: ["BILAG_LOG_LEVEL": "loud"])?.code, "config-invalid")
    }

    /// A reload names every changed setting it cannot apply.
    func testSettingsThatNeedARestartAreNamed() throws {
        let old = try load(nil)
        let new = try load("workers: 3\nworkers_nice: 1\njournal:\n  max_lines_per_file: 9\nlog:\n  level: error\nstate: elsewhere\nintake:\n  batch_size: 7\n")
        XCTAssertEqual(old.settingsNeedingRestart(new), ["state", "workers", "workers_nice", "journal.max_lines_per_file", "log.level"])
        XCTAssertEqual(old.settingsNeedingRestart(old), [])
    }
}
