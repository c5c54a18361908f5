import Foundation

/// Stamps out distinct valid invoices from one UBL corpus file by replacing its invoice number (the document-level
/// `cbc:ID`, BT-1), and makes small textual edits (a note, a buyer reference, another endpoint).
///
/// A plain text edit on purpose: the bytes stay the corpus document's except where the test changed them.
public struct InvoiceTemplate: Sendable {
    /// The document text.
    public let text: String

    public init(text: String) { self.text = text }

    /// A template from a corpus file, e.g. `InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")`.
    public init(corpus relative: String) throws {
        text = String(decoding: try Corpus.data(relative), as: UTF8.self)
    }

    /// The document's own invoice number.
    public var number: String {
        guard let r = numberRange else { return "" }
        return String(text[r])
    }

    /// The range of the invoice number's text: the first `<cbc:ID>` before any aggregate (`<cac:`), which in UBL is BT-1.
    var numberRange: Range<String.Index>? {
        guard let open = text.range(of: "<cbc:ID>") else { return nil }
        if let firstAggregate = text.range(of: "<cac:"), firstAggregate.lowerBound < open.lowerBound { return nil }
        guard let close = text.range(of: "</cbc:ID>", range: open.upperBound..<text.endIndex) else { return nil }
        return open.upperBound..<close.lowerBound
    }

    /// The document with another invoice number.
    public func withNumber(_ number: String) -> InvoiceTemplate {
        guard let r = numberRange else { preconditionFailure("the template has no document-level <cbc:ID>") }
        var t = text
        t.replaceSubrange(r, with: Self.escape(number))
        return InvoiceTemplate(text: t)
    }

    /// The document's bytes with another invoice number.
    public func invoice(number: String) -> Data { withNumber(number).data }

    /// `count` invoices numbered `PREFIX-000001`, `PREFIX-000002`, …: distinct business keys, distinct bytes.
    public func stamp(count: Int, prefix: String) -> [(number: String, data: Data)] {
        (1...max(1, count)).prefix(count).map { i in
            let n = prefix + "-" + String(format: "%06d", i)
            return (n, invoice(number: n))
        }
    }

    /// The bytes (UTF-8).
    public var data: Data { Data(text.utf8) }

    /// Replaces the first occurrence of `target` (which must be there).
    public func replacingFirst(_ target: String, with replacement: String) -> InvoiceTemplate {
        guard let r = text.range(of: target) else { preconditionFailure("the template does not contain \(target)") }
        var t = text
        t.replaceSubrange(r, with: replacement)
        return InvoiceTemplate(text: t)
    }

    /// Adds a document note (`cbc:Note`, BT-22) after the type code.
    public func withNote(_ note: String) -> InvoiceTemplate {
        let element = "<cbc:Note>\(Self.escape(note))</cbc:Note>"
        for anchor in ["</cbc:InvoiceTypeCode>", "</cbc:CreditNoteTypeCode>", "</cbc:IssueDate>"] {
            if let r = text.range(of: anchor) {
                var t = text
                t.insert(contentsOf: element, at: r.upperBound)
                return InvoiceTemplate(text: t)
            }
        }
        preconditionFailure("no place for a note")
    }

    /// Sets the buyer reference (BT-10), replacing the document's or adding one.
    public func withBuyerReference(_ reference: String) -> InvoiceTemplate {
        let element = "<cbc:BuyerReference>\(Self.escape(reference))</cbc:BuyerReference>"
        if let open = text.range(of: "<cbc:BuyerReference>"), let close = text.range(of: "</cbc:BuyerReference>", range: open.upperBound..<text.endIndex) {
            var t = text
            t.replaceSubrange(open.lowerBound..<close.upperBound, with: element)
            return InvoiceTemplate(text: t)
        }
        return replacingFirst("<cac:AccountingSupplierParty>", with: element + "<cac:AccountingSupplierParty>")
    }

    /// Sets the seller's electronic address (BT-34) and its scheme.
    public func withSellerEndpoint(_ value: String, scheme: String) -> InvoiceTemplate {
        guard let party = text.range(of: "<cac:AccountingSupplierParty>"),
              let open = text.range(of: "<cbc:EndpointID", range: party.upperBound..<text.endIndex),
              let close = text.range(of: "</cbc:EndpointID>", range: open.upperBound..<text.endIndex) else {
            preconditionFailure("the template has no seller endpoint")
        }
        var t = text
        t.replaceSubrange(open.lowerBound..<close.upperBound, with: "<cbc:EndpointID schemeID=\"\(Self.escape(scheme))\">\(Self.escape(value))</cbc:EndpointID>")
        return InvoiceTemplate(text: t)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
