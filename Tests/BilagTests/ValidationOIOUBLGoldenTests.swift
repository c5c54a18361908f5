import BilagFormats
import BilagTestKit
import BilagValidation
import Foundation
import XCTest

/// Every OIOUBL finding — rule id, severity, location and message, in order — on the OIOUBL corpus documents and on
/// about 15,000 single changes of them, against a golden file generated from `main` before the OIOUBL rules were
/// made faster (issue 17): the speed work must not change one finding. The corpus documents' findings are written
/// out in full; each variant's findings as a 32-bit FNV-1a hash of their text. The test checks every twentieth variant
/// (a debug build takes ~20 ms a variant); `BILAG_GOLDEN_FULL=1` checks all ~17,600.
///
/// Regenerate only when a rule is meant to change: `BILAG_WRITE_GOLDEN=1 swift test --filter ValidationOIOUBLGoldenTests`.
final class ValidationOIOUBLGoldenTests: XCTestCase {
    static let folders = ["oioubl/parse", "oioubl/generated"]
    static let goldenPath = Corpus.packageRoot + "/Tests/Fixtures/oioubl-findings.golden"

    func testFindingsOnCorpusAndVariantsMatchGolden() throws {
        let env = ProcessInfo.processInfo.environment
        if env["BILAG_WRITE_GOLDEN"] == "1" { return try writeGolden() }
        // Every twentieth variant by default (the suite stays quick in a debug build); every one with BILAG_GOLDEN_FULL=1.
        let stride = env["BILAG_GOLDEN_FULL"] == "1" ? 1 : 20
        let golden = try Self.readGolden()
        var failures = 0
        func fail(_ message: String) { if failures < 20 { XCTFail(message) }; failures += 1 }
        for file in try Self.files() {
            guard let want = golden[file] else { fail("\(file) is not in the golden file"); continue }
            let text = String(decoding: try Corpus.data(file), as: UTF8.self)
            let findings = Self.findings(text)
            if findings != want.findings { fail("\(file):\n golden: \(want.findings)\n now:    \(findings)") }
            let variants = OIOUBLVariants.of(text)
            guard variants.count == want.variants.count else { fail("\(file): \(variants.count) variants, the golden file has \(want.variants.count)"); continue }
            for i in Swift.stride(from: 0, to: variants.count, by: stride) {
                let (label, variant) = variants[i]
                let hash = Self.hash(Self.findings(variant).joined(separator: "\n"))
                if want.variants[i] != "\(label)=\(hash)" {
                    fail("\(file) variant \(label): golden \(want.variants[i]), now \(label)=\(hash):\n\(Self.findings(variant).joined(separator: "\n"))")
                }
            }
        }
        XCTAssertEqual(failures, 0, "findings that differ from the golden file")
    }

    static func files() throws -> [String] { try folders.flatMap { try Corpus.files(in: $0) } }

    /// The golden file by corpus file: the document's findings and its variants' `label=hash`.
    static func readGolden() throws -> [String: (findings: [String], variants: [String])] {
        var out: [String: (findings: [String], variants: [String])] = [:]
        var file = ""
        for line in try String(contentsOfFile: goldenPath, encoding: .utf8).split(separator: "\n") {
            if line.hasPrefix("# ") { file = String(line.dropFirst(2)); out[file] = ([], []); continue }
            let first = line.split(separator: " ").first.map(String.init) ?? ""
            if first.contains("=") && !first.hasPrefix("F-") {
                out[file]?.variants += line.split(separator: " ").map(String.init)
            } else {
                out[file]?.findings.append(String(line))
            }
        }
        return out
    }

    func writeGolden() throws {
        var lines: [String] = []
        for file in try Self.files() {
            let text = String(decoding: try Corpus.data(file), as: UTF8.self)
            lines.append("# \(file)")
            lines += Self.findings(text)
            // Sixteen hashes a line, each with its variant's label: a difference names the change.
            var row: [String] = []
            for (label, variant) in OIOUBLVariants.of(text) {
                row.append("\(label)=\(Self.hash(Self.findings(variant).joined(separator: "\n")))")
                if row.count == 16 { lines.append(row.joined(separator: " ")); row = [] }
            }
            if !row.isEmpty { lines.append(row.joined(separator: " ")) }
        }
        try FileManager.default.createDirectory(atPath: (Self.goldenPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try (lines.joined(separator: "\n") + "\n").write(toFile: Self.goldenPath, atomically: true, encoding: .utf8)
    }

    func testVariantsCoverEveryElement() {
        let text = #"<a x="1"><b>v</b><c/><d><e>w</e></d></a>"#
        let labels = OIOUBLVariants.of(text).map(\.0)
        // The root is never removed or duplicated; every other element is, each leaf's text is emptied and padded,
        // each attribute emptied.
        XCTAssertEqual(labels, ["a0.0", "r1", "d1", "e1", "p1", "n1", "r2", "d2", "r3", "d3", "r4", "d4", "e4", "p4", "n4"])
        XCTAssertEqual(OIOUBLVariants.of(text).first { $0.0 == "r3" }?.1, #"<a x="1"><b>v</b><c/></a>"#)
        XCTAssertEqual(OIOUBLVariants.of(text).first { $0.0 == "e4" }?.1, #"<a x="1"><b>v</b><c/><d><e></e></d></a>"#)
    }

    /// The findings of one document, one line each; the parse error when it does not parse.
    static func findings(_ text: String) -> [String] {
        do {
            let doc = try DocumentParser.parse(Data(text.utf8))
            let r = Validator().validate(doc)
            return ["profile \(r.profile.rawValue)"] + r.issues.map { "\($0.ruleID) \($0.severity.rawValue) \($0.location ?? "-") \($0.message)" }
        } catch {
            return ["unparsed \(error)"]
        }
    }

    /// 32-bit FNV-1a, as 8 hex digits.
    static func hash(_ s: String) -> String {
        var h: UInt32 = 0x811C_9DC5
        for b in s.utf8 { h = (h ^ UInt32(b)) &* 0x0100_0193 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}

/// Single changes of a document made on its text, so the rest stays byte for byte: every element but the root
/// removed (`r`) and duplicated (`d`); every leaf's text emptied (`e`), padded with spaces (`p`) and negated (`n`);
/// every attribute value emptied (`aI.J`: element I's attribute J). Elements are numbered in document order.
enum OIOUBLVariants {
    struct Element {
        var start: String.Index       // `<`
        var end: String.Index         // after the end tag (or the empty tag)
        var contentStart: String.Index
        var hasChild = false
        var textRange: Range<String.Index>?  // a leaf's text (between its tags)
        var attributeValues: [Range<String.Index>]
    }

    static func elements(_ text: String) -> [Element] {
        var out: [Element] = []
        var stack: [Int] = []
        var i = text.startIndex
        while let lt = text[i...].firstIndex(of: "<") {
            guard let gt = text[lt...].firstIndex(of: ">") else { break }
            let tag = text[text.index(after: lt)..<gt]
            let after = text.index(after: gt)
            i = after
            // A processing instruction or comment (no `>` inside one in the corpus).
            if tag.hasPrefix("?") || tag.hasPrefix("!") { continue }
            if tag.hasPrefix("/") {
                if let open = stack.popLast() {
                    out[open].end = after
                    if !out[open].hasChild { out[open].textRange = out[open].contentStart..<lt }
                }
                continue
            }
            if let parent = stack.last { out[parent].hasChild = true }
            var values: [Range<String.Index>] = []
            var j = tag.startIndex
            while let eq = tag[j...].firstIndex(of: "=") {
                let q = tag.index(after: eq)
                guard q < tag.endIndex, tag[q] == "\"" || tag[q] == "'", let close = tag[tag.index(after: q)...].firstIndex(of: tag[q]) else { break }
                values.append(tag.index(after: q)..<close)
                j = tag.index(after: close)
            }
            out.append(Element(start: lt, end: after, contentStart: after, attributeValues: values))
            if !tag.hasSuffix("/") { stack.append(out.count - 1) }
        }
        return out
    }

    static func of(_ text: String) -> [(String, String)] {
        var out: [(String, String)] = []
        for (n, e) in elements(text).enumerated() {
            for (k, v) in e.attributeValues.enumerated() {
                out.append(("a\(n).\(k)", text.replacingCharacters(in: v, with: "")))
            }
            if n > 0 {
                out.append(("r\(n)", String(text[..<e.start] + text[e.end...])))
                out.append(("d\(n)", String(text[..<e.end] + text[e.start..<e.end] + text[e.end...])))
            }
            if let t = e.textRange, n > 0 {
                out.append(("e\(n)", text.replacingCharacters(in: t, with: "")))
                out.append(("p\(n)", text.replacingCharacters(in: t, with: " \(text[t]) ")))
                out.append(("n\(n)", text.replacingCharacters(in: t, with: "-\(text[t])")))
            }
        }
        return out
    }
}
