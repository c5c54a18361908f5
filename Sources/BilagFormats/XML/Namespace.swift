/// The XML namespaces bilag reads. Each element's namespace is resolved to one of these once, while the document
/// is parsed (`XMLTree.Node.namespace`), so finding an element compares a small number, not a URI.
public enum Namespace: UInt8, CaseIterable {
    case ublInvoice, ublCreditNote, cac, cbc, ext
    case ciiRoot, ram, udt, qdt
    case sbdh

    var uri: StaticString {
        switch self {
        case .ublInvoice: return "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
        case .ublCreditNote: return "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
        case .cac: return "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
        case .cbc: return "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
        case .ext: return "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"
        case .ciiRoot: return "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
        case .ram: return "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
        case .udt: return "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
        case .qdt: return "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
        case .sbdh: return "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"
        }
    }
}
