@testable import BilagFormats
import Foundation
import XCTest

/// The tree the readers walk is built from libxml2's SAX2 events, not libxml2's own tree: it must give what the
/// XML says — text across references, CDATA and child elements, attributes as normalised, namespaces — and
/// libxml2 must still refuse what it refused before.
final class XMLTreeTests: XCTestCase {
    func parse(_ s: String) throws -> XMLDocument { try XMLDocument.parse(Data(s.utf8)) }

    func testTextAttributesAndNamespacesAsTheDocumentSaysThem() throws {
        let doc = try parse("""
        \u{FEFF}<?xml version="1.0" encoding="UTF-8"?>
        <Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
                 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" xmlns:x="urn:example:other">
          <!-- a comment is no text -->
          <cbc:Note>  Fish &amp; chips &#233; <![CDATA[<raw> & more]]>  </cbc:Note>
          <cbc:Note>before<cbc:ID>inner</cbc:ID>after</cbc:Note>
          <cbc:Note/>
          <cbc:Note>   </cbc:Note>
          <cbc:PayableAmount currencyID = " DKK " x:currencyID="EUR" other="a&lt;b&#10;c">  1250.50 </cbc:PayableAmount>
          <x:Thing>t</x:Thing>
        </Invoice>
        """)
        let root = try XCTUnwrap(doc.root)
        XCTAssertTrue(root.is(.ublInvoice, "Invoice"))
        XCTAssertFalse(root.is(.ublCreditNote, "Invoice"))
        XCTAssertEqual(root.namespaceURI, "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2")
        XCTAssertEqual(root.children.map(\.name), ["Note", "Note", "Note", "Note", "PayableAmount", "Thing"])

        let notes = root.all(.cbc, "Note")
        XCTAssertEqual(notes.count, 4)
        XCTAssertEqual(notes[0].text, "  Fish & chips é <raw> & more  ")
        XCTAssertEqual(notes[0].trimmedText, "Fish & chips é <raw> & more")
        XCTAssertEqual(notes[1].text, "beforeafter", "an element's own text, without its children's")
        XCTAssertEqual(notes[1].text(.cbc, "ID"), "inner")
        XCTAssertNil(notes[2].text)
        XCTAssertEqual(notes[3].text, "   ")
        XCTAssertNil(notes[3].trimmedText)

        let amount = try XCTUnwrap(root.first(.cbc, "PayableAmount"))
        XCTAssertEqual(amount.trimmedText, "1250.50")
        XCTAssertEqual(amount.attribute("currencyID"), "DKK", "the attribute without namespace, trimmed")
        XCTAssertEqual(amount.attribute("other"), "a<b\nc")
        XCTAssertNil(amount.attribute("missing"))

        let thing = try XCTUnwrap(root.children.first { $0.name == "Thing" })
        XCTAssertEqual(thing.namespaceURI, "urn:example:other")
        XCTAssertFalse(thing.is(.cbc, "Thing"))
        XCTAssertNil(root.first(.cbc, "Thing"))
    }

    /// `isBlank` (what the lexical scan asks of every leaf, without building its text) agrees with `trimmedText`
    /// on text in one piece and in several (references, CDATA, comments and child elements between them).
    func testIsBlankIsTrimmedTextBeingNil() throws {
        let doc = try parse("""
        <r><a/><a></a><a> </a><a>\t\r\n </a><a> x </a><a> <![CDATA[ ]]> </a><a> <![CDATA[y]]> </a><a> &#32; </a>        <a> &#160; </a><a> <!-- c --> </a><a> <!-- c -->z</a><a> <i>in</i> </a><a><i>in</i>w</a><a>&amp;</a></r>
        """)
        let leaves = Array(try XCTUnwrap(doc.root).children)
        XCTAssertEqual(leaves.count, 14)
        XCTAssertEqual(leaves.map(\.isBlank), leaves.map { $0.trimmedText == nil })
        XCTAssertEqual(leaves.map(\.isBlank), [true, true, true, true, false, true, false, true, false, true, false, true, false, false])
    }

    func testIndentationBetweenChildElementsIsNoText() throws {
        let doc = try parse("""
        <r>
          <a>
            <b> kept </b>
          </a>
          <m>x<i>inner</i>&amp; &amp;</m>
          <w>   </w>
        </r>
        """)
        try withExtendedLifetime(doc) {
            let root = try XCTUnwrap(doc.root)
            XCTAssertNil(root.text, "the indentation around child elements")
            let kids = Array(root.children)
            XCTAssertNil(kids[0].text)
            XCTAssertEqual(Array(kids[0].children).first?.text, " kept ", "a text element keeps its white space")
            XCTAssertEqual(kids[1].text, "x& &", "white space inside a run of text after a child element is kept")
            XCTAssertEqual(kids[2].text, "   ", "an element with only white space keeps it")
        }
    }

    func testLongTextInManyPiecesStaysOneText() throws {
        // libxml2 hands long text over in chunks (and around each reference); the tree joins them.
        let body = String(repeating: "abc &amp; def ", count: 5000)
        let doc = try parse("<r><t>\(body)</t></r>")
        XCTAssertEqual(doc.root?.children.first(where: { _ in true })?.text, String(repeating: "abc & def ", count: 5000))
    }

    func testWhatLibxml2RefusesIsStillRefused() {
        func code(_ s: String) -> String? {
            do { _ = try parse(s); return nil } catch let e as DocumentError { return e.code } catch { return "\(error)" }
        }
        XCTAssertEqual(code("<a>&undefined;</a>"), "entity-abuse", "an entity no DTD declares")
        XCTAssertEqual(code("<a><b></a>"), "malformed-xml")
        // Cut short inside an element whose name holds "Entity" or an attribute named "encodingCode": malformed, not
        // an entity attack ("report the sender") nor an encoding problem. libxml2's message names the element.
        let ubl = "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\" xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\" xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">"
        XCTAssertEqual(code(ubl + "<cac:PartyLegalEntity><cbc:RegistrationName>Ltd</cbc:Registration"), "malformed-xml")
        XCTAssertEqual(code(ubl + "<cac:PartyLegalEntity><cbc:RegistrationName>Ltd</cbc:RegistrationName>"), "malformed-xml")
        XCTAssertEqual(code(ubl + "<cbc:EmbeddedDocumentBinaryObject encodingCode>x</cbc:EmbeddedDocumentBinaryObject></Invoice>"), "malformed-xml")
        XCTAssertEqual(code("<a>&amp</a>"), "entity-abuse", "an entity reference without its semicolon, as before")
        XCTAssertEqual(code("<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>"), "dtd-forbidden")
        XCTAssertEqual(code("<?xml version=\"1.0\"?><!-- c --><!DOCTYPE a SYSTEM \"file:///etc/passwd\"><a/>"), "dtd-forbidden")
        XCTAssertEqual(code(""), "empty-file")
        XCTAssertEqual(code("plain text"), "not-xml")
        XCTAssertNil(code("<a xmlns=\"urn:x\"><b/></a>"))
    }

    /// Each thread keeps one libxml2 context from document to document: a refused or stopped document must leave
    /// nothing behind for the next, and a context whose name dictionary a document blew up is replaced.
    func testTheReusedParserContextStartsCleanForEveryDocument() throws {
        let good = "<r xmlns=\"urn:x\"><a k=\"v\">one</a><b>two</b></r>"
        func check(_ after: String) throws {
            let doc = try parse(good)
            try withExtendedLifetime(doc) {
                let root = try XCTUnwrap(doc.root, after)
                XCTAssertEqual(root.children.map(\.name), ["a", "b"], after)
                let a = Array(root.children).first
                XCTAssertEqual(a?.text, "one", after)
                XCTAssertEqual(a?.attribute("k"), "v", after)
            }
        }
        let first = try XCTUnwrap(ParserContext.forThisThread())
        try check("a first document")
        for bad in ["<a><b></a>", "<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>", "<a>&undefined;</a>", "<a>unterminated", "plain text"] {
            XCTAssertThrowsError(try parse(bad))
            try check("after \(bad)")
        }
        XCTAssertTrue(try XCTUnwrap(ParserContext.forThisThread()) === first, "the same context serves one thread")

        // A document with more distinct names than a context may hold: the next document gets a fresh context.
        let names = (0..<(ParserContext.maxNames + 100)).map { "<n\($0)/>" }.joined()
        let many = try parse("<r>\(names)</r>")
        withExtendedLifetime(many) { XCTAssertEqual(many.root.map { Array($0.children).count }, ParserContext.maxNames + 100) }
        let after = try XCTUnwrap(ParserContext.forThisThread())
        XCTAssertFalse(after === first, "a context whose dictionary outgrew the limit is replaced")
        XCTAssertEqual(after.documents, 1)
        try check("after a document of \(ParserContext.maxNames + 100) names")
    }
}
