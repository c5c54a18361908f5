import BilagCore
import BilagTestKit
import Foundation
import XCTest

/// A dimension robots or plans post that the ERP layout has no column for reaches the journal but not the ERP file.
/// `bilag run` says so at start, naming each dimension and who posts it (the demo's GL07 layout carries costcentre,
/// project, activity, function and case; the rent robot posts `tenancy`, the certificates robot `certificate`, and a
/// plan here `contract_ref`). Before, the ERP file left them out without a word.
final class DimensionCoverageTests: XCTestCase {
    func testRunSaysWhichPostedDimensionsTheERPLayoutLeavesOut() throws {
        let bin = try BilagBinary.locate()
        let repo = Corpus.packageRoot
        let root = try ShippedRobots.repositoryCopy()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = repo + "/demo/bilag.yaml"
        func bilag(_ args: [String]) throws -> ProcessOutcome { try bin.run(args + ["--root", root, "--config", config], logDirectory: root + "/logs") }
        let plans = root + "/plans.csv"
        try """
        id,name,kind,supplier_cvr,receiver_ean,min_amount,max_amount,cadence,order_number,invoice_prefix,identifier,account,dimensions,vat_code,valid_from,valid_to,note
        P-EL,Strøm,pre-posting,12345666,5798000000117,100.00,20000.00,monthly,,,,4310010,costcentre=1100;contract_ref=K-9,I25,2026-01-01,2026-12-31,
        """.write(toFile: plans, atomically: true, encoding: .utf8)
        XCTAssertEqual(try bilag(["plans", "import", plans, "--user", "test"]).exitCode, 0)

        let run = try bilag(["run", "--once"])
        XCTAssertEqual(run.exitCode, 0, "\(run)")
        let lines = run.stderr.split(separator: "\n").filter { $0.contains("does not carry dimensions") }
        XCTAssertEqual(lines.count, 1, "one warning for the one ERP writer: \(run.stderr.suffix(3000))")
        let line = String(lines.first ?? "")
        XCTAssertTrue(line.contains("\"writer\":\"ubw\""), line)
        for named in ["tenancy (rent-payments)", "certificate (medical-certificates)", "contract_ref (plan P-EL)"] {
            XCTAssertTrue(line.contains(named), "\(named) not named: \(line)")
        }
        for carried in ["costcentre", "case ("] { XCTAssertFalse(line.contains(carried), "\(carried) is carried: \(line)") }

        // `robots check` lists them too, as warnings: the robots themselves are fine.
        let check = try bilag(["robots", "check"])
        XCTAssertEqual(check.exitCode, 0, "\(check)")
        for named in ["dimension tenancy (posted by rent-payments)", "dimension certificate (posted by medical-certificates)", "dimension contract_ref (posted by plan P-EL)"] {
            XCTAssertTrue(check.stdout.contains(named), "\(named) not listed: \(check.stdout)")
        }
    }
}
