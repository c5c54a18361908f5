import BilagCore
import BilagFormats
import BilagValidation
import Foundation
import XCTest

/// Every valid example of the shared corpus passes the rules of its own profile (no fatal issue), except the
/// documents listed in `rejected` — which the official validator rejects too, for the reason given.
final class ValidationCorpusTests: XCTestCase {
    static var corpus: URL { ValidationAgreementTests.corpus }

    /// The folders of documents meant to be valid.
    static let validFolders = ["en16931-ubl/examples", "en16931-ubl/testfiles", "en16931-cii/examples", "peppol-bis3/examples", "oioubl/parse", "oioubl/generated"]

    /// Corpus documents bilag rejects, with the fatal rule ids it reports and why the official rules reject them too.
    static let rejected: [String: (rules: Set<String>, reason: String)] = KnownRejections.all

    func testEveryValidCorpusExamplePassesItsOwnProfile() throws {
        let validator = Validator()
        var failures: [String] = []
        var seen: Set<String> = []
        var counts: [String: Int] = [:]
        var warnings: [String: Int] = [:]
        for folder in Self.validFolders {
            let dir = Self.corpus.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where name.hasSuffix(".xml") {
                let file = folder + "/" + name
                let doc = try DocumentParser.parse(Data(contentsOf: dir.appendingPathComponent(name)))
                let report = validator.validate(doc)
                counts[report.profile.rawValue, default: 0] += 1
                for w in report.issues where w.severity == .warning { warnings[w.ruleID, default: 0] += 1 }
                let fatal = Set(report.issues.filter { $0.severity == .fatal }.map(\.ruleID))
                if let known = Self.rejected[file] {
                    seen.insert(file)
                    if fatal != known.rules {
                        failures.append("\(file): expected exactly \(known.rules.sorted()) (\(known.reason)), got \(fatal.sorted())")
                    }
                } else if !fatal.isEmpty {
                    let detail = report.issues.filter { $0.severity == .fatal }.map { "\($0.ruleID) \($0.message)" }.joined(separator: "\n    ")
                    failures.append("\(file) [\(report.profile.rawValue)]:\n    \(detail)")
                }
            }
        }
        print("validated corpus examples per profile: \(counts.sorted { $0.key < $1.key }); warnings: \(warnings.sorted { $0.key < $1.key })")
        for stale in Set(Self.rejected.keys).subtracting(seen).sorted() { failures.append("\(stale): listed as rejected but not in the corpus") }
        XCTAssertTrue(failures.isEmpty, failures.joined(separator: "\n"))
    }
}
