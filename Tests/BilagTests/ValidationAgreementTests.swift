import BilagCore
import BilagFormats
import BilagValidation
internal import CLibXML2
import Foundation
import XCTest

/// Agreement with the official rule unit tests (VEFA `testSet` files in the shared corpus).
///
/// Each `<test>` names rules the embedded document must pass (`<success>`) or fail (`<error>`/`<warning>`). For every
/// such rule bilag implements, the embedded document is cut out with libxml2, parsed with `DocumentParser`,
/// validated under the profile of the test set (`tc434-*` → EN 16931, `peppolbis-*` → PEPPOL BIS 3) and bilag's
/// verdict compared with the official one. Every disagreement must be listed in `knownDisagreements` with its
/// reason; an unlisted disagreement, or a listed one that now agrees, fails the test.
///
/// Run: `swift test --filter ValidationAgreementTests` (prints the tables).
final class ValidationAgreementTests: XCTestCase {
    /// The shared corpus: `$BILAG_CORPUS`, else `PACKAGE/../shared/corpus`.
    static let corpus: URL = {
        if let p = ProcessInfo.processInfo.environment["BILAG_CORPUS"], !p.isEmpty { return URL(fileURLWithPath: p) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/corpus").standardizedFileURL
    }()

    static let folders = [
        "en16931-ubl/unit", "en16931-ubl/unit-creditnote", "en16931-cii/unit",
        "peppol-bis3/unit-UBL-PEPPOL", "peppol-bis3/unit-UBL-DK", "peppol-bis3/unit-UBL-NO",
        "peppol-bis3/unit-CII-PEPPOL", "peppol-bis3/unit-CII-DK", "peppol-bis3/unit-CII-NO",
    ]

    /// One official expectation: in `file` (corpus-relative), test number `index` (from 1), `rule` must (not) fire.
    struct Expectation {
        var folder: String
        var file: String
        var index: Int
        var rule: String
        var mustFire: Bool
        var profile: Profile
        var document: Data?
        var key: String { "\(file)#\(index):\(rule)" }
    }

    /// Disagreements bilag knows of, by `file#test:rule`, with the reason. See docs/validation.md.
    static let knownDisagreements: [String: String] = KnownDisagreements.all

    func testAgreementWithOfficialUnitTests() throws {
        let expectations = try Self.loadExpectations()
        let validator = Validator()
        var byRule: [String: (cases: Int, agree: Int)] = [:]
        var byFolder: [String: (cases: Int, agree: Int)] = [:]
        var unexpected: [String] = []
        var seenKnown: Set<String> = []
        var parseCache: [Data: ParsedDocument?] = [:]
        var reportCache: [String: Set<String>] = [:]

        for e in expectations {
            guard Validator.implementedRuleIDs(for: e.profile).contains(e.rule) else { continue }
            var fired: Bool? = nil
            if let data = e.document {
                let cacheKey = "\(e.file)#\(e.index)"
                if reportCache[cacheKey] == nil {
                    if parseCache[data] == nil { parseCache[data] = try? DocumentParser.parse(data) }
                    if let parsed = parseCache[data] ?? nil {
                        reportCache[cacheKey] = Set(validator.validate(parsed, as: e.profile).issues.map(\.ruleID))
                    }
                }
                fired = reportCache[cacheKey].map { $0.contains(e.rule) }
            }
            let agrees = fired == e.mustFire
            byRule[e.rule, default: (0, 0)].cases += 1
            byFolder[e.folder, default: (0, 0)].cases += 1
            if agrees {
                byRule[e.rule]!.agree += 1
                byFolder[e.folder]!.agree += 1
            }
            if !agrees {
                if Self.knownDisagreements[e.key] != nil {
                    seenKnown.insert(e.key)
                } else {
                    let got = fired.map { $0 ? "fired" : "did not fire" } ?? "document did not parse"
                    unexpected.append("\(e.key): official \(e.mustFire ? "error" : "success"), bilag \(got)")
                }
            }
        }

        let total = byRule.values.reduce(0) { $0 + $1.cases }
        let agreed = byRule.values.reduce(0) { $0 + $1.agree }
        var out = "\nAgreement with the official unit tests, per folder:\n"
        out += Self.table(byFolder)
        out += "\nPer rule (rules with a disagreement first):\n"
        out += Self.table(byRule, disagreementsFirst: true)
        let pct = total == 0 ? 0 : Double(agreed) * 100 / Double(total)
        out += String(format: "\nOverall: %d of %d cases agree (%.1f%%) over %d implemented rules with unit tests; %d known disagreements.\n", agreed, total, pct, byRule.count, Self.knownDisagreements.count)
        print(out)

        let stale = Set(Self.knownDisagreements.keys).subtracting(seenKnown).sorted()
        XCTAssertTrue(unexpected.isEmpty, "Disagreements not listed in KnownDisagreements:\n" + unexpected.sorted().joined(separator: "\n"))
        XCTAssertTrue(stale.isEmpty, "Listed as known disagreements but now agreeing (remove them):\n" + stale.joined(separator: "\n"))
        XCTAssertGreaterThan(total, 1000)
    }

    static func table(_ rows: [String: (cases: Int, agree: Int)], disagreementsFirst: Bool = false) -> String {
        let keys = rows.keys.sorted { a, b in
            if disagreementsFirst {
                let da = rows[a]!.cases - rows[a]!.agree, db = rows[b]!.cases - rows[b]!.agree
                if (da > 0) != (db > 0) { return da > 0 }
            }
            return a.localizedStandardCompare(b) == .orderedAscending
        }
        let width = max(12, keys.map(\.count).max() ?? 0)
        var s = "  " + "".padding(toLength: width, withPad: " ", startingAt: 0) + "  cases  agree  disagree\n"
        for k in keys {
            let r = rows[k]!
            s += "  " + k.padding(toLength: width, withPad: " ", startingAt: 0)
                + String(format: "  %5d  %5d  %8d\n", r.cases, r.agree, r.cases - r.agree)
        }
        return s
    }

    // MARK: - Reading the VEFA test sets

    static let vefa = "http://difi.no/xsd/vefa/validator/1.0"

    static func profile(forConfiguration configuration: String) -> Profile {
        configuration.hasPrefix("peppol") ? .peppolBis3 : .en16931
    }

    static func loadExpectations() throws -> [Expectation] {
        var out: [Expectation] = []
        for folder in folders {
            let dir = corpus.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where name.hasSuffix(".xml") {
                out += try expectations(in: dir.appendingPathComponent(name), folder: folder, file: folder + "/" + name)
            }
        }
        return out
    }

    static func expectations(in url: URL, folder: String, file: String) throws -> [Expectation] {
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        guard let doc = xmlReadFile(url.path, nil, options) else { throw NSError(domain: "agreement", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot read \(file)"]) }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc) else { return [] }
        let configuration = attribute(root, "configuration") ?? ""
        let profile = profile(forConfiguration: configuration)
        var out: [Expectation] = []
        var index = 0
        for test in elements(root) where localName(test) == "test" && namespace(test) == vefa {
            index += 1
            var asserts: [(String, Bool)] = []
            var document: Data?
            for child in elements(test) {
                if localName(child) == "assert" && namespace(child) == vefa {
                    for a in elements(child) {
                        let kind = localName(a)
                        guard kind == "success" || kind == "error" || kind == "warning" else { continue }
                        let rule = text(a).trimmingCharacters(in: .whitespacesAndNewlines)
                        if !rule.isEmpty { asserts.append((rule, kind != "success")) }
                    }
                } else if document == nil {
                    document = serialize(child)
                }
            }
            for (rule, mustFire) in asserts {
                out.append(Expectation(folder: folder, file: file, index: index, rule: rule, mustFire: mustFire, profile: profile, document: document))
            }
        }
        return out
    }

    /// The element as a document of its own: copied into a new libxml2 document (which re-declares the namespaces
    /// it inherits) and written out.
    static func serialize(_ node: xmlNodePtr) -> Data? {
        guard let newDoc = xmlNewDoc("1.0") else { return nil }
        defer { xmlFreeDoc(newDoc) }
        guard let copy = xmlDocCopyNode(node, newDoc, 1) else { return nil }
        xmlDocSetRootElement(newDoc, copy)
        xmlReconciliateNs(newDoc, copy)
        var buffer: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpMemoryEnc(newDoc, &buffer, &size, "UTF-8")
        guard let buffer else { return nil }
        defer { libxmlFree(buffer) }
        return Data(bytes: buffer, count: Int(size))
    }

    static func elements(_ node: xmlNodePtr) -> [xmlNodePtr] {
        var out: [xmlNodePtr] = []
        var c = node.pointee.children
        while let n = c {
            if n.pointee.type == XML_ELEMENT_NODE { out.append(n) }
            c = n.pointee.next
        }
        return out
    }

    static func localName(_ node: xmlNodePtr) -> String { node.pointee.name.map { String(cString: $0) } ?? "" }
    static func namespace(_ node: xmlNodePtr) -> String? { node.pointee.ns?.pointee.href.map { String(cString: $0) } }
    static func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
        guard let v = xmlGetProp(node, name) else { return nil }
        defer { libxmlFree(v) }
        return String(cString: v)
    }
    static func text(_ node: xmlNodePtr) -> String {
        guard let c = xmlNodeGetContent(node) else { return "" }
        defer { libxmlFree(c) }
        return String(cString: c)
    }
}
