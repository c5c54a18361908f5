import BilagTestKit
import Foundation
import XCTest

/// The differential test (issue 17): single mutations of the valid corpus invoices in UBL, CII and OIOUBL (and of
/// PEPPOL CII documents derived from the CII examples, `cii-peppol`: the corpus has no valid one), judged
/// by the official rules (EN 16931 and PEPPOL BIS 3 Schematron, the OIOUBL 2.1 Schematron; run with SaxonC-HE) and
/// by bilag. Runs `scripts/validation-diff --sample N` on the built binary and holds the verdict agreement to a
/// threshold per syntax; prints the figures (rule-set agreement, the rules behind the disagreements, µs per document).
///
/// The full set is the benchmark: `scripts/validation-diff` (see docs/validation.md).
final class ValidationDifferentialTests: XCTestCase {
    /// Mutants per syntax in the test (drawn with a fixed seed; at a 99 % threshold 250 would leave room for only two
    /// disagreements); the benchmark runs them all.
    static let sample = 1000

    /// The verdict agreement (%) each syntax must reach: raised as bilag's rules come to agree.
    static let thresholds: [String: Double] = ["ubl": 99, "cii": 99, "oioubl": 99, "cii-peppol": 99]

    func testVerdictAgreesWithTheOfficialRulesOnMutations() throws {
        let binary = try BilagBinary.locate()
        let script = Corpus.packageRoot + "/scripts/validation-diff"
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("validation-diff-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: out) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", "\"$0\" --sample \(Self.sample) --json --bilag \"$1\" > \"$2\"", script, binary.path, out.path]
        // Its own temporary folder, to see that the run leaves nothing behind in it (it writes some 150 MB of mutants).
        let scratch = NSTemporaryDirectory() + "bilag-validation-diff-tmp-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var env = ProcessInfo.processInfo.environment
        env["BILAG_CORPUS"] = ValidationAgreementTests.corpus.path
        env["TMPDIR"] = scratch
        p.environment = env
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch), [], "scripts/validation-diff left its mutants behind in the temporary folder")
        if p.terminationStatus == 77 {
            throw XCTSkip("saxonche (SaxonC-HE from PyPI) is not installed, so the official rules cannot run: `pip install saxonche` (scripts/setup does)")
        }
        XCTAssertEqual(p.terminationStatus, 0, "scripts/validation-diff failed")
        let data = try Data(contentsOf: out)
        guard let report = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let perSyntax = report["perSyntax"] as? [String: [String: Any]] else {
            return XCTFail("no report from scripts/validation-diff")
        }
        var text = "\nDifferential test (\(Self.sample) mutants per syntax): verdict / rule-set agreement with the official rules\n"
        for (syntax, s) in perSyntax.sorted(by: { $0.key < $1.key }) {
            let verdict = s["verdictAgreement"] as? Double ?? 0
            text += "  \(syntax): \(s["documents"] ?? 0) documents, verdict \(verdict) %, rule set \(s["ruleSetAgreement"] ?? 0) %, "
                + "false accepts \(s["falseAccept"] ?? 0), false rejects \(s["falseReject"] ?? 0)\n"
            if let min = Self.thresholds[syntax] {
                XCTAssertGreaterThanOrEqual(verdict, min, "\(syntax): verdict agreement \(verdict) % is below \(min) %")
            }
        }
        text += "  bilag: \(report["bilagMicrosPerDocument"] ?? "?") µs a document to validate (this build)\n"
        if let ds = report["disagreements"] as? [String: [[String: Any]]] {
            for (syntax, list) in ds.sorted(by: { $0.key < $1.key }) {
                for d in list.prefix(8) where (d["verdictAgrees"] as? Bool) == false {
                    text += "  \(syntax) \(d["base"] ?? "") [\(d["mutation"] ?? "")]: official \(d["official"] ?? "") bilag \(d["bilag"] ?? "")\n"
                }
            }
        }
        print(text)
        XCTAssertEqual(Set(perSyntax.keys), ["ubl", "cii", "oioubl", "cii-peppol"], "every syntax has mutants")
    }
}
