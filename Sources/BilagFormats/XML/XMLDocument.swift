import CLibXML2
import Foundation

/// A parsed XML document, read with libxml2 under safe options: no network, no DTD loading,
/// no entity expansion, and any document type declaration refused.
///
/// libxml2 parses and reports through SAX2; `TreeBuilder` keeps what it reports in an `XMLTree`, which is what
/// the readers walk. libxml2's own tree is never built.
public final class XMLDocument {
    let tree: XMLTree

    /// libxml2's options for every document bilag reads.
    /// NONET: never fetch anything; no NOENT/DTDLOAD/DTDATTR/DTDVALID: entities stay unexpanded and no DTD is read;
    /// no HUGE: libxml2's built-in size and depth limits stay in force. (COMPACT matters only where a tree is built:
    /// the libxml2 baseline of `bilag bench` uses these options too.)
    public static let options: Int32 = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_NOCDATA.rawValue)

    private static let initOnce: Void = { xmlInitParser() }()

    /// Parses bytes; throws `DocumentError` for anything that is not a well-formed, DTD-free XML document.
    public convenience init(bytes: UnsafeRawBufferPointer) throws { try self.init(bytes: bytes, padded: true) }

    /// `padded`: a UTF-8 document that ends its root element is given to libxml2 followed by blanks (`Padding`); the
    /// tree and any error are the same either way (`XMLPaddingTests`).
    init(bytes: UnsafeRawBufferPointer, padded: Bool) throws {
        _ = XMLDocument.initOnce
        guard bytes.count > 0 else { throw DocumentError.empty }
        if let problem = Prolog.scan(bytes) { throw problem }
        guard let context = ParserContext.forThisThread() else { throw DocumentError.unreadable("libxml2 could not allocate a parser") }
        let ctxt = context.ctxt
        defer { ctxt.pointee._private = nil }
        let builder = UnsafeMutablePointer<TreeBuilder>.allocate(capacity: 1)
        builder.initialize(to: TreeBuilder(expectedBytes: bytes.count))
        defer { builder.pointee.discard(); builder.deinitialize(count: 1); builder.deallocate() }
        TreeBuilderSAX.install(on: ctxt, builder: builder)
        let input = padded ? context.padded(bytes) ?? bytes : bytes
        let base = input.baseAddress!.assumingMemoryBound(to: CChar.self)
        // With no startDocument callback libxml2 builds no tree, so this returns nil; the outcome is in the context,
        // which this resets before it reads (everything but its dictionary of names).
        let none = xmlCtxtReadMemory(ctxt, base, Int32(clamping: input.count), "invoice.xml", nil, XMLDocument.options)
        if let none { xmlFreeDoc(none) }
        if builder.pointee.sawDoctype { throw DocumentError.doctypeForbidden }
        if builder.pointee.overflowed { throw DocumentError.unreadable("the document's text or names exceed what bilag reads (2 GiB of text, names of 65,535 bytes)") }
        if ctxt.pointee.wellFormed == 0 || builder.pointee.nodes.isEmpty {
            let err = xmlCtxtGetLastError(ctxt)
            let msg = err.flatMap { $0.pointee.message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } } ?? "not well-formed"
            let line = err.map { Int($0.pointee.line) } ?? 0
            let code = err.map { Int($0.pointee.code) } ?? 0
            throw DocumentError.classify(libxmlCode: code, message: msg, line: line)
        }
        tree = builder.pointee.tree()
    }

    /// Parses the bytes of `data`.
    public static func parse(_ data: Data) throws -> XMLDocument {
        try data.withUnsafeBytes { try XMLDocument(bytes: $0) }
    }

    /// The root element.
    public var root: XMLElement? { tree.nodes.isEmpty ? nil : XMLElement(tree: tree.view, index: 0) }
}
