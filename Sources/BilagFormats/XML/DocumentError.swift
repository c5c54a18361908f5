import BilagCore
import CLibXML2

/// Why a file cannot be read as an invoice at all. Each case is a quarantine reason.
public enum DocumentError: OperatorFacingError, Equatable {
    case empty
    case tooLarge(size: Int64, limit: Int64)
    case notXML(String)
    case malformed(String, line: Int)
    case encoding(String, line: Int)
    case doctypeForbidden
    case entityAbuse(String)
    case notAnInvoice(root: String, namespace: String?)
    case unreadable(String)

    public var code: String {
        switch self {
        case .empty: return "empty-file"
        case .tooLarge: return "too-large"
        case .notXML: return "not-xml"
        case .malformed: return "malformed-xml"
        case .encoding: return "encoding-error"
        case .doctypeForbidden: return "dtd-forbidden"
        case .entityAbuse: return "entity-abuse"
        case .notAnInvoice: return "not-an-invoice"
        case .unreadable: return "unreadable"
        }
    }

    public var message: String {
        switch self {
        case .empty: return "the file is empty"
        case let .tooLarge(size, limit): return "the file has \(size) bytes, more than the limit of \(limit)"
        case let .notXML(why): return why
        case let .malformed(msg, line): return "not well-formed XML at line \(line): \(msg)"
        case let .encoding(msg, line): return "the bytes do not match the declared encoding at line \(line): \(msg)"
        case .doctypeForbidden: return "the document carries a DTD or entity declarations (possible XXE or entity-expansion attack); e-invoices never do"
        case let .entityAbuse(msg): return "entity expansion refused: \(msg)"
        case let .notAnInvoice(root, ns): return "well-formed XML, but the root element \(root) (\(ns ?? "no namespace")) is no UBL Invoice/CreditNote or CII CrossIndustryInvoice"
        case let .unreadable(msg): return msg
        }
    }

    public var remedy: String {
        switch self {
        case .tooLarge: return "ask the sender for the document without embedded attachments, or raise intake.max_file_bytes"
        case .doctypeForbidden, .entityAbuse: return "do not process; report the sender to the access-point provider"
        case .notAnInvoice: return "check the channel: the sender delivered another document type (order, receipt, application response)"
        default: return "ask the sender to send the invoice again; the original file is kept in quarantine"
        }
    }

    /// Maps a libxml2 error to the operator's category.
    static func classify(libxmlCode: Int, message: String, line: Int) -> DocumentError {
        let encodingCodes: Set<Int> = [Int(XML_ERR_INVALID_ENCODING.rawValue), Int(XML_ERR_UNSUPPORTED_ENCODING.rawValue), Int(XML_ERR_UNKNOWN_ENCODING.rawValue), Int(XML_ERR_INVALID_CHAR.rawValue)]
        let entityCodes: Set<Int> = [Int(XML_ERR_ENTITY_LOOP.rawValue), Int(XML_ERR_UNDECLARED_ENTITY.rawValue), Int(XML_WAR_UNDECLARED_ENTITY.rawValue), Int(XML_ERR_ENTITY_BOUNDARY.rawValue)]
        // The message is matched on libxml2's own wording only: it also names the document's elements and attributes,
        // and a file cut short inside `cac:PartyLegalEntity` ("Premature end of data in tag PartyLegalEntity") is
        // malformed, not an entity attack; a missing value of `encodingCode` is not an encoding problem.
        let text = message.lowercased()
        let encodingWords = ["unsupported encoding", "unknown encoding", "encoding error", "indicate encoding", "document labelled", "not proper utf-8", "utf-8 content", "switching encoding"]
        let entityWords = ["entity '", "entity reference loop", "entity amplification", "entity nesting", "entityref:", "entity value", "pereference"]
        if encodingCodes.contains(libxmlCode) || encodingWords.contains(where: text.contains) { return .encoding(message, line: line) }
        if entityCodes.contains(libxmlCode) || entityWords.contains(where: text.contains) { return .entityAbuse(message) }
        if libxmlCode == Int(XML_ERR_DOCUMENT_EMPTY.rawValue) { return .notXML("the file holds no XML element") }
        return .malformed(message, line: line)
    }
}
