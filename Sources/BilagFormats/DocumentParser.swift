import BilagCore
import Foundation

/// The entry point of the parse stage: bytes in, canonical invoice out, or a `DocumentError` saying why not.
public enum DocumentParser {
    /// Parses a UBL Invoice/CreditNote or a CII CrossIndustryInvoice, also when wrapped in a PEPPOL
    /// StandardBusinessDocument envelope.
    public static func parse(_ data: Data) throws -> ParsedDocument {
        let doc = try XMLDocument.parse(data)
        return try parse(doc)
    }

    /// Parses an already-read XML document.
    public static func parse(_ doc: XMLDocument) throws -> ParsedDocument {
        guard var root = doc.root else { throw DocumentError.notXML("the file holds no XML element") }
        if root.is(.sbdh, "StandardBusinessDocument") {
            guard let payload = root.children.first(where: { !$0.is(.sbdh, "StandardBusinessDocumentHeader") }) else {
                throw DocumentError.notAnInvoice(root: "StandardBusinessDocument", namespace: root.namespaceURI)
            }
            root = payload
        }
        if root.is(.ublInvoice, "Invoice") {
            var r = UBLReader()
            return r.read(root: root, kind: .invoice)
        }
        if root.is(.ublCreditNote, "CreditNote") {
            var r = UBLReader()
            return r.read(root: root, kind: .creditNote)
        }
        if root.is(.ciiRoot, "CrossIndustryInvoice") {
            var r = CIIReader()
            return r.read(root: root)
        }
        throw DocumentError.notAnInvoice(root: root.name, namespace: root.namespaceURI)
    }
}
