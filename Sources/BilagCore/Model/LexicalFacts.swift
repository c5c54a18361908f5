/// What a document writes, as written, where the official rules judge the lexical form and the canonical model
/// (which reads tolerantly: trimmed codes, any date form) keeps only the value. Gathered by the parser in one pass
/// over the tree and read by validation only; the robots read the canonical invoice.
public struct LexicalFacts: Hashable, Sendable {
    /// The local name of the document element (`Invoice`, `CreditNote`, `CrossIndustryInvoice`).
    public var root = ""
    /// Elements with neither child elements nor text (PEPPOL-EN16931-R008), by element path; the first few.
    public var emptyElements: [String] = []
    /// Amounts whose text has whitespace around it, with the number of characters after the decimal point as the
    /// official rules count them (`substring-after(., '.')`: trailing whitespace counts).
    public var paddedAmounts: [PaddedAmount] = []
    /// The paths of amounts written as a negative zero with a decimal point (`-0.00`; `-0` is read as an integer 0):
    /// Saxon compares such an untyped value as less than and unequal to 0 (BR-27, BR-28, CII BR-CO-11/12), where
    /// the model reads 0.
    public var negativeZeroAmounts: [String] = []
    /// `currencyID` of the amounts PEPPOL-EN16931-R051 checks that differ, as written, from the document currency
    /// code as written: the element paths.
    public var foreignCurrencyAmounts: [String] = []
    /// How many VAT totals (UBL `cac:TaxTotal/cbc:TaxAmount`, CII `ram:TaxTotalAmount`) carry `currencyID` equal to
    /// the document currency code as written (BR-CO-15 asks for exactly one).
    public var taxTotalsInDocumentCurrency = 0
    /// CII: how many header `ram:TaxTotalAmount` carry a `currencyID` other than the invoice currency code as written
    /// (PEPPOL-EN16931-R054 allows one, and only with a `ram:TaxCurrencyCode`).
    public var ciiTaxTotalsInOtherCurrency = 0
    /// UBL: the document's `cac:TaxTotal` elements with and without `cac:TaxSubtotal` (PEPPOL-EN16931-R053/R054).
    public var ublTaxTotalsWithSubtotals = 0
    public var ublTaxTotalsWithoutSubtotals = 0
    /// The VAT accounting currency code element is written (empty or not: R054 asks whether it is there).
    public var taxCurrencyCodeWritten = false
    /// CII: `ram:ID`, `ram:GlobalID` and `ram:URIID` elements written empty with a `schemeID` (as written): the
    /// PEPPOL-COMMON identifier rules judge them by their scheme (an empty GLN is no GLN); the model drops them.
    public var ciiEmptySchemedIDs: [EmptySchemedID] = []

    public struct EmptySchemedID: Hashable, Sendable {
        public var path: String
        public var scheme: String
        public init(path: String, scheme: String) { self.path = path; self.scheme = scheme }
    }
    /// Dates whose lexical form the official rules reject (UBL: not `YYYY-MM-DD`; CII: `udt:DateTimeString` without
    /// `format="102"` or not eight digits): `(path, rule id)`.
    public var badDates: [Finding] = []
    /// CII: the `ram:TypeCode` of tax elements (`*TradeTax`) that is not `VAT` as written (CII-DT-037).
    public var nonVATTaxTypeCodes: [String] = []
    /// CII: the issue date `udt:DateTimeString` has `format="102"` (BR-03 reads only that one).
    public var issueDateHasFormat102 = true

    public struct PaddedAmount: Hashable, Sendable {
        public var path: String
        public var fractionLength: Int
        /// The BR-DEC rule where the path alone does not tell it (a CII allowance or charge amount).
        public var rule: String?
        public init(path: String, fractionLength: Int, rule: String? = nil) { self.path = path; self.fractionLength = fractionLength; self.rule = rule }
    }

    /// The `rule` of a `Finding` for an element the XML Schema allows once, written more than once, on which the
    /// official EN 16931 rules stop (`repeated`) or only the PEPPOL rules do (`repeatedPeppol`): BILAG-FORMAT.
    public static let repeated = "repeated"
    public static let repeatedPeppol = "repeated-peppol"

    /// A place in the document and the rule its lexical form breaks.
    public struct Finding: Hashable, Sendable {
        public var path: String
        public var rule: String
        public init(path: String, rule: String) { self.path = path; self.rule = rule }
    }

    /// CII: the ID of the seller's and of the tax representative's `ram:SpecifiedTaxRegistration` whose `schemeID`
    /// is `VAT` as written — what the PEPPOL CII rules read as the VAT number (NO-R-001, the supplier country);
    /// EN 16931 itself takes `VA`.
    public var ciiSellerVATSchemeID: String?
    public var ciiTaxRepresentativeVATSchemeID: String?

    /// CII: DK-R-013 as the official rule reads the seller's and the buyer's `ram:GlobalID`: it normalizes the one
    /// `schemeID` of a party's GlobalIDs, so a party with GlobalIDs fails when none carries a `schemeID` or the one
    /// there is blank (with two or more the official rule stops: rejected as well). A party's `ram:ID` needs no
    /// scheme; the model keeps both as the party's identifiers.
    public var ciiPartyGlobalIDWithoutScheme = false

    /// CII: per `ram:SpecifiedTradeSettlementPaymentMeans`, in order, the texts of its
    /// `PayeePartyCreditorFinancialAccount/IBANID` elements as written — the account DK-R-008 and DK-R-010 measure
    /// (the model reads a `ProprietaryID` as the account too).
    public var ciiPayeeIBANIDs: [[String]] = []

    /// XPath's `string-length` of payment means `i`'s IBANID: 0 without one, -1 with several (the official rule
    /// stops on them), else its length in characters.
    public func ciiPayeeIBANIDLength(_ i: Int) -> Int {
        guard i < ciiPayeeIBANIDs.count else { return 0 }
        let ids = ciiPayeeIBANIDs[i]
        return ids.count > 1 ? -1 : ids.first?.unicodeScalars.count ?? 0
    }

    /// VAT category codes written with whitespace around them (CII): the official rules compare the code as
    /// written, so ` S ` is no category `S`; the model keeps the trimmed code for the robots.
    public var paddedCategoryCodes: [WrittenCode] = []

    public struct WrittenCode: Hashable, Sendable {
        public enum Place: Hashable, Sendable { case line, allowanceCharge, breakdown }
        public var place: Place
        /// The position among the model's lines, document-level allowances and charges, or VAT breakdowns.
        public var index: Int
        public var written: String
        public init(place: Place, index: Int, written: String) { self.place = place; self.index = index; self.written = written }
    }

    /// VAT breakdowns (their positions in the model's BG-23) whose exemption reason text or code element is written
    /// but empty: it exists for the official rules (BR-E-10, BR-S-10, …), while the model reads no reason.
    public var emptyExemptionReasons: [Int] = []

    /// UBL: the `schemeID` of each `cbc:EndpointID` as written (PEPPOL-EN16931-CL008 compares it untrimmed).
    public var endpointSchemeIDs: [String] = []
    /// The `currencyID` of every amount BR-CL-03 and PEPPOL-EN16931-CL007 check, as written: UBL's amounts ("" where
    /// there is none: the rules are stated on the amount), CII's `currencyID` attributes (stated on the attribute).
    public var amountCurrencyIDs: Set<String> = []
    /// UBL: the distinct `cbc:PaymentID` values as written (UBL-SR-44 allows one).
    public var paymentIDs: Set<String> = []
    /// Every UBL `cbc:PaymentMeansCode` as written, untrimmed (UBL-SR-47 compares them as strings).
    public var paymentMeansCodes: Set<String> = []

    /// Syntax rules (UBL-SR-*) the reader found broken: how often an element occurs, whether a group is complete.
    public var syntax: [Finding] = []

    /// OIOUBL: the totals as the official OIOUBL rules compute them from the document (the canonical model keeps
    /// only VAT subtotals and counts every line).
    public var oioubl: OIOUBLSums?

    public struct OIOUBLSums: Hashable, Sendable {
        /// Σ line `LineExtensionAmount` of the lines that are not free of charge (`FreeOfChargeIndicator` absent or
        /// exactly `false`), as F-INV126 sums them.
        public var chargeableLineSum = Amount.zero
        /// Σ `cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount`, every tax scheme (VAT and excise duties).
        public var taxSubtotalSum = Amount.zero
        /// `cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount` as written (OIOUBL: the total of all taxes).
        public var taxExclusiveAmount: Amount?
        /// Amounts that do not have exactly two decimals as written (F-LIB014; F-LIB250 and F-LIB261 are read from the written tree).
        public var notTwoDecimals: [Finding] = []
        /// Lines that do not have exactly one `cac:Price` (F-INV139, stated for an Invoice).
        public var linesWithoutOnePrice = 0
        /// Country codes of addresses as written (F-LIB301): `(path, code)` in `Finding(path:, rule: code)`.
        public var countryCodes: [Finding] = []
        /// `unitCode` of line quantities and price base quantities as written (F-LIB318), likewise; "" when absent.
        public var unitCodes: [Finding] = []
        public init() {}
    }

    public init() {}
}
