@testable import BilagFormats
import BilagTestKit
import Foundation
import XCTest

/// libxml2 reads a UTF-8 document followed by blanks (`Padding`), so that it does not ask its input for more at every
/// token of the document's end: the tree it reports, and every error, must be those of the document as it is.
final class XMLPaddingTests: XCTestCase {
    /// The tree as numbers and texts: every element, text segment and attribute, in order.
    func dump(_ doc: XMLDocument) -> [String] {
        let t = doc.tree
        var out: [String] = []
        for i in 0..<t.nodes.count {
            let n = t.nodes[i]
            out.append("n \(n.namespace) \(n.nameStart) \(n.nameLength) \(n.uriStart) \(n.uriLength) \(n.firstChild) \(n.nextSibling) \(n.firstSegment) \(n.lastSegment) \(n.firstAttribute) \(n.attributeCount)")
        }
        for i in 0..<t.segments.count { let s = t.segments[i]; out.append("s \(s.start) \(s.length) \(s.next)") }
        for i in 0..<t.attributes.count { let a = t.attributes[i]; out.append("a \(a.nameStart) \(a.nameLength) \(a.valueStart) \(a.valueLength)") }
        out.append(String(decoding: UnsafeBufferPointer(start: t.bytes.base, count: t.bytes.count), as: UTF8.self))
        return out
    }

    /// What parsing gives: the tree, or the error as bilag reports it.
    func outcome(_ data: Data, padded: Bool) -> [String] {
        data.withUnsafeBytes { bytes in
            do { return dump(try XMLDocument(bytes: bytes, padded: padded)) } catch { return ["error: \(error)"] }
        }
    }

    /// Every XML file of the corpus (valid, invalid, the official test files) gives the same tree or the same error.
    func testEveryCorpusFileReadsTheSameWithBlanksAfterIt() throws {
        let files = FileManager.default.enumerator(atPath: Corpus.root)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".xml") } ?? []
        XCTAssertGreaterThan(files.count, 100)
        var padded = 0
        for f in files {
            let data = try Corpus.data(f)
            if data.withUnsafeBytes(Padding.applies) { padded += 1 }
            XCTAssertEqual(outcome(data, padded: true), outcome(data, padded: false), f)
        }
        XCTAssertGreaterThan(padded, files.count / 2, "most corpus files are UTF-8 documents ending in a tag")
    }

    /// Documents cut anywhere, with junk, a second root, an unclosed tag or a DOCTYPE after the root, CRLF or trailing
    /// blanks: the same error at the same line, or the same tree.
    func testBrokenDocumentsFailAlikeWithBlanksAfterThem() throws {
        let invoice = try Corpus.data("peppol-bis3/examples/base-example.xml")
        var cases: [Data] = []
        for cut in stride(from: 1, to: invoice.count, by: 37) { cases.append(invoice.prefix(cut)) }
        // Cut just after a `>` (with its line break, too): the case the padding is given to.
        for (i, b) in invoice.enumerated() where b == UInt8(ascii: ">") {
            cases.append(invoice.prefix(i + 1))
            cases.append(invoice.prefix(i + 2))
        }
        for tail in ["<extra/>", "junk>", "<!-- c -->", "<?pi x?>", "<!DOCTYPE x>", "</Invoice>", "\r\n  \t", "<a>", "&amp;>", "]]>"] {
            cases.append(invoice + Data(tail.utf8))
        }
        cases += ["<a/>", "<a>", "<a></b>", "<?xml version=\"1.0\"?><a/>", "<?xml version='1.0' encoding='utf-8'?><a>x</a>",
                  "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\u{E6}</a>", "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>", " <a/> ", "<a/>\0>"]
            .map { Data($0.utf8) }
        cases.append(Data([0xFF, 0xFE] + Array("<a/>".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
        for c in cases {
            XCTAssertEqual(outcome(c, padded: true), outcome(c, padded: false), String(decoding: c.suffix(60), as: UTF8.self))
        }
    }

    /// Which documents are given blanks: UTF-8 (declared or not) ending in a tag; not UTF-16, not another encoding.
    func testOnlyUTF8DocumentsEndingInATagAreGivenBlanks() {
        func applies(_ s: String) -> Bool { Data(s.utf8).withUnsafeBytes(Padding.applies) }
        XCTAssertTrue(applies("<a/>"))
        XCTAssertTrue(applies("<a/>\r\n "))
        XCTAssertTrue(applies("\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-8\"?><a/>"))
        XCTAssertTrue(applies("<?xml version='1.0' encoding = 'utf-8' ?><a/>"))
        XCTAssertFalse(applies("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>"))
        XCTAssertFalse(applies("<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>"))
        XCTAssertFalse(applies("<a>text"))
        XCTAssertFalse(applies(">"))
        XCTAssertFalse(Data([0xFF, 0xFE, 0x3C, 0x00]).withUnsafeBytes(Padding.applies))
        XCTAssertFalse(Data([0x3C, 0x00, 0x61, 0x00, 0x3E, 0x00]).withUnsafeBytes(Padding.applies))
        XCTAssertFalse(applies("<?xml version=\"1.0\" ENCODING=\"windows-1252\"?><a/>"))
        XCTAssertTrue(applies("<?xml version=\"1.0\" standalone=\"yes\"?><a/>"))
        XCTAssertTrue(applies("<?xml version=\"1.0\" encodin=\"latin1\"?><a/>"), "no encoding named: UTF-8")
    }

    /// The prolog's byte search (the declaration's `encoding`, `?>`, `-->`) finds what the standard library's search finds.
    func testTheDeclarationSearchIsTheStandardLibrarys() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("encodig= ".utf8)
        for _ in 0..<3000 {
            let hay = (0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let needle = (0..<Int.random(in: 1...4, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            XCTAssertEqual(hay.withUnsafeBytes { h in needle.withUnsafeBytes { ByteSearch.find($0, in: h) } }, hay.firstRange(of: needle)?.lowerBound, "\(hay) \(needle)")
        }
        XCTAssertEqual(Array("<?xml encodinencoding".utf8).withUnsafeBytes { ByteSearch.find("encoding", in: $0) }, 13)
    }
}
