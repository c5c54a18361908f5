import CLibXML2
import Foundation

/// A parsed XML document, read with libxml2 under safe options: no network, no DTD loading,
/// no entity expansion, and any document type declaration refused.
public final class XMLDocument {
    let doc: xmlDocPtr

    /// libxml2's options for every document bilag reads.
    /// NONET: never fetch anything; no NOENT/DTDLOAD/DTDATTR/DTDVALID: entities stay unexpanded and no DTD is read;
    /// no HUGE: libxml2's built-in size and depth limits stay in force.
    public static let options: Int32 = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_NOCDATA.rawValue)

    private static let initOnce: Void = { xmlInitParser() }()

    /// Parses bytes; throws `DocumentError` for anything that is not a well-formed, DTD-free XML document.
    public init(bytes: UnsafeRawBufferPointer) throws {
        _ = XMLDocument.initOnce
        guard bytes.count > 0 else { throw DocumentError.empty }
        if let problem = Prolog.scan(bytes) { throw problem }
        guard let ctxt = xmlNewParserCtxt() else { throw DocumentError.unreadable("libxml2 could not allocate a parser") }
        defer { xmlFreeParserCtxt(ctxt) }
        let base = bytes.baseAddress!.assumingMemoryBound(to: CChar.self)
        let parsed = xmlCtxtReadMemory(ctxt, base, Int32(clamping: bytes.count), "invoice.xml", nil, XMLDocument.options)
        if ctxt.pointee.wellFormed == 0 || parsed == nil {
            let err = xmlCtxtGetLastError(ctxt)
            let msg = err.flatMap { $0.pointee.message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } } ?? "not well-formed"
            let line = err.map { Int($0.pointee.line) } ?? 0
            let code = err.map { Int($0.pointee.code) } ?? 0
            if let parsed { xmlFreeDoc(parsed) }
            throw DocumentError.classify(libxmlCode: code, message: msg, line: line)
        }
        guard let d = parsed else { throw DocumentError.malformed("not well-formed", line: 0) }
        if d.pointee.intSubset != nil || d.pointee.extSubset != nil {
            xmlFreeDoc(d)
            throw DocumentError.doctypeForbidden
        }
        doc = d
    }

    /// Parses the bytes of `data`.
    public static func parse(_ data: Data) throws -> XMLDocument {
        try data.withUnsafeBytes { try XMLDocument(bytes: $0) }
    }

    deinit { xmlFreeDoc(doc) }

    /// The root element.
    public var root: XMLElement? { xmlDocGetRootElement(doc).map { XMLElement(node: $0) } }
}
