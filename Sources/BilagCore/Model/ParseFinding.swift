/// Something the parser could read only in part: a field whose text is not of its type.
///
/// Findings do not stop parsing; validation reports them as rule `BILAG-FORMAT` with the path.
public struct ParseFinding: Hashable, Codable, Sendable {
    /// The element path, e.g. `cac:LegalMonetaryTotal/cbc:PayableAmount`.
    public var path: String
    /// What is wrong, for a person.
    public var message: String
    public init(path: String, message: String) { self.path = path; self.message = message }

    /// The message of an amount element without a number (`<cbc:PriceAmount/>`).
    public static let emptyAmount = "the amount is empty"
    public var isEmptyAmount: Bool { message == Self.emptyAmount }
    /// The end of the message of an amount element whose text is no number (`'12,50' is not a decimal number`).
    public static let notANumber = " is not a decimal number"
    /// The end of the message of an amount written with an exponent (`1E2`): read as its value, as the official
    /// rules read it (an `xs:double`), where the XML Schema's `xs:decimal` has no exponent.
    public static let exponent = " is written with an exponent"
    public var isExponentAmount: Bool { message.hasSuffix(Self.exponent) }
    /// A boolean element that is empty or no `xs:boolean` (`TRUE`, `yes`).
    public var isUnreadableBoolean: Bool { message.hasSuffix("is not an xs:boolean (true, false, 1, 0)") || message.hasSuffix(" is not true or false") }
    /// An amount element without a number: empty, or text that is no decimal number.
    public var isUnreadableAmount: Bool { isEmptyAmount || message.hasSuffix(Self.notANumber) }
    /// The end of the message of a date element whose text is no calendar date (`'2026-13-01' is not a date`).
    public static let notADate = " is not a date"
    /// The end of the message of such a date in a period that has both a start and an end date: the official UBL
    /// rules compare the two as `xs:date` (BR-29, BR-30) and stop on it.
    public static let notADateCompared = " is not a date, and the period's end date is compared with its start date"
    /// A date element whose text is no calendar date (in a period whose dates are compared, or not).
    public var isUnreadableDate: Bool { message.hasSuffix(Self.notADate) || message.hasSuffix(Self.notADateCompared) }
    /// A date that is no calendar date in a period with both dates (`notADateCompared`).
    public var isUnreadableComparedDate: Bool { message.hasSuffix(Self.notADateCompared) }
}

/// A parsed document: the canonical invoice plus what could not be read cleanly.
///
/// Immutable, and shared by reference: the examination, validation, routing and robot stages all read the same
/// document, and copying an `Invoice` retains each of its dozens of strings and arrays again.
public final class ParsedDocument: Sendable {
    public let invoice: Invoice
    public let findings: [ParseFinding]
    /// What the document writes as written, for validation (see `LexicalFacts`).
    public let lexical: LexicalFacts
    /// The elements as written, for the rules stated on the document itself (OIOUBL documents; nil otherwise).
    public let written: WrittenTree?
    public init(invoice: Invoice, findings: [ParseFinding] = [], lexical: LexicalFacts = LexicalFacts(), written: WrittenTree? = nil) {
        self.invoice = invoice; self.findings = findings; self.lexical = lexical; self.written = written
    }
}
