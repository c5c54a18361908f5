import BilagCore
import Foundation

/// The document under validation plus the facts several rules need, computed once per document.
///
/// Everything here is exact `Decimal` arithmetic; nothing is cached across documents.
public struct ValidationContext: Sendable {
    /// The invoice as parsed.
    public let invoice: Invoice
    /// The profile whose rules are applied (the document's own unless the caller asked for another).
    public let profile: Profile

    /// Σ BT-131 over the lines that state a net amount.
    let lineNetSum: Exact
    /// Σ BT-92 (document-level allowances that state an amount).
    let allowanceSum: Exact
    /// Σ BT-99 (document-level charges that state an amount).
    let chargeSum: Exact
    /// Whether the document has any document-level allowance / charge.
    public let hasAllowances: Bool
    public let hasCharges: Bool

    /// The UNCL 5305 VAT categories used on lines (BT-151), document allowances (BT-95), charges (BT-102) and in
    /// the VAT breakdown (BT-118), as bit sets: most rules about a category can stop at once when it is absent.
    public let lineCategories: CategorySet
    public let allowanceCategories: CategorySet
    public let chargeCategories: CategorySet
    public let breakdownCategories: CategorySet

    /// The identifier schemes bilag checks that occur among the party identifiers (see `PartyIdentifiers`).
    let identifierSchemes: SchemeSet
    /// The party identifiers with one of those schemes, with where they are.
    let schemedIdentifiers: [SchemedIdentifier]
    /// The numbers of each line, read once.
    let lineFacts: [LineFacts]
    /// The indices of the lines that have allowances or charges (BG-27/BG-28); usually none.
    let linesWithAllowanceCharges: [Int]

    /// BT-31 (seller VAT identifier).
    public let sellerHasVATIdentifier: Bool
    /// BT-31 or BT-32: any tax registration of the seller (UBL `PartyTaxScheme/CompanyID` of any scheme).
    public let sellerHasTaxRegistration: Bool
    /// BT-63.
    public let taxRepresentativeHasVATIdentifier: Bool
    /// BT-48.
    public let buyerHasVATIdentifier: Bool
    /// BT-47.
    public let buyerHasLegalRegistration: Bool

    /// BT-40, trimmed and upper-cased, or "".
    public let sellerCountry: String
    /// BT-55, trimmed and upper-cased, or "".
    public let buyerCountry: String
    /// The seller's country as the PEPPOL rules derive it: the first two letters of the seller VAT id, else of the
    /// tax representative's VAT id, else the seller's postal country, else `XX`.
    public let peppolSupplierCountry: String

    /// Whether the document has its totals at all (UBL `cac:LegalMonetaryTotal`, CII
    /// `SpecifiedTradeSettlementHeaderMonetarySummation`): the official totals rules are stated inside that element.
    public let hasTotals: Bool

    /// The paths of the fields the parser found but could not read (they exist in the document).
    public let unreadablePaths: [String]

    /// What the document writes as written (empty when the invoice was built in code, not parsed).
    public let lexical: LexicalFacts

    /// The elements as written (OIOUBL documents; nil for other syntaxes and for an invoice built in code).
    public let written: WrittenTree?
    /// Its document element, read without reference counting (valid while `written` is held, as here).
    let writtenRoot: WrittenElement?

    /// The OIOUBL totals' sums, computed once for the dozen totals rules (OIOUBL profile only).
    private(set) var oioublSums: OIOUBLArithmeticRules.Sums?

    /// A UBL `CreditNote` root (the rules stated on `cbc:CreditNoteTypeCode`); for an invoice built in code, whose
    /// root is unknown, the document kind.
    public var isUBLCreditNoteRoot: Bool {
        invoice.syntax == .ubl && (lexical.root.isEmpty ? invoice.documentKind == .creditNote : lexical.root == "CreditNote")
    }

    public init(_ invoice: Invoice, profile: Profile? = nil, findings: [ParseFinding] = [], lexical: LexicalFacts = LexicalFacts(),
                written: WrittenTree? = nil) {
        self.invoice = invoice
        self.lexical = lexical
        self.written = written
        writtenRoot = written?.root
        self.unreadablePaths = findings.map(\.path)
        let t = invoice.totals
        hasTotals = t.sumOfInvoiceLineNetAmount != nil || t.invoiceTotalAmountWithoutVAT != nil || t.invoiceTotalAmountWithVAT != nil
            || t.amountDueForPayment != nil || t.sumOfAllowancesOnDocumentLevel != nil || t.sumOfChargesOnDocumentLevel != nil
            || t.paidAmount != nil || t.roundingAmount != nil
        self.profile = profile ?? invoice.profile
        var allowances = Exact.zero, charges = Exact.zero
        var hasA = false, hasC = false
        invoice.allowanceCharges.each { _, ac in
            if ac.isCharge { hasC = true; if let a = ac.amount { charges += a.exact } } else { hasA = true; if let a = ac.amount { allowances += a.exact } }
        }
        allowanceSum = allowances; chargeSum = charges; hasAllowances = hasA; hasCharges = hasC
        var lc = CategorySet(), ac = CategorySet(), cc = CategorySet(), bc = CategorySet()
        invoice.lines.each { _, l in lc.insert(CategorySet(code: l.vatCategoryCode)) }
        invoice.allowanceCharges.each { _, x in
            if x.isCharge { cc.insert(CategorySet(code: x.vatCategoryCode)) } else { ac.insert(CategorySet(code: x.vatCategoryCode)) }
        }
        invoice.vatBreakdown.each { _, b in bc.insert(CategorySet(code: b.categoryCode)) }
        lineCategories = lc; allowanceCategories = ac; chargeCategories = cc; breakdownCategories = bc
        var schemes = SchemeSet()
        var schemed: [SchemedIdentifier] = []
        PartyIdentifiers.forEach(invoice: invoice, includingCIIExtras: true) { ident, place, extra in
            let s = SchemeSet(scheme: ident.scheme)
            guard !s.isEmpty else { return }
            schemes.insert(s)
            schemed.append(SchemedIdentifier(identifier: ident, scheme: s, place: place, ciiExtra: extra))
        }
        identifierSchemes = schemes
        schemedIdentifiers = schemed
        var facts: [LineFacts] = []
        facts.reserveCapacity(invoice.lines.count)
        var withAC: [Int] = []
        invoice.lines.each { i, l in
            facts.append(LineFacts(l))
            if !l.allowanceCharges.isEmpty { withAC.append(i) }
        }
        lineFacts = facts
        linesWithAllowanceCharges = withAC
        var lines = Exact.zero
        for f in facts { if let n = f.net { lines += n } }
        lineNetSum = lines
        let seller = invoice.seller
        sellerHasVATIdentifier = seller.vatIdentifier.isPresent
        sellerHasTaxRegistration = seller.vatIdentifier.isPresent || seller.taxRegistrationIdentifier.isPresent
        taxRepresentativeHasVATIdentifier = invoice.sellerTaxRepresentative?.vatIdentifier.isPresent ?? false
        buyerHasVATIdentifier = invoice.buyer.vatIdentifier.isPresent
        buyerHasLegalRegistration = invoice.buyer.legalRegistrationIdentifier?.value.isPresent ?? false
        sellerCountry = Text.upperTrimmed(seller.postalAddress?.countryCode)
        buyerCountry = Text.upperTrimmed(invoice.buyer.postalAddress?.countryCode)
        if invoice.syntax == .cii, !lexical.root.isEmpty {
            // The PEPPOL CII rules read the tax registration with schemeID "VAT".
            if let vat = lexical.ciiSellerVATSchemeID ?? lexical.ciiTaxRepresentativeVATSchemeID, vat.utf8.count >= 2 {
                peppolSupplierCountry = Text.upperTrimmed(Text.prefix(vat, 2))
            } else {
                peppolSupplierCountry = sellerCountry.isEmpty ? "XX" : sellerCountry
            }
        } else if let vat = seller.vatIdentifier, vat.utf8.count >= 2 {
            peppolSupplierCountry = Text.upperTrimmed(Text.prefix(vat, 2))
        } else if let vat = invoice.sellerTaxRepresentative?.vatIdentifier, vat.utf8.count >= 2 {
            peppolSupplierCountry = Text.upperTrimmed(Text.prefix(vat, 2))
        } else if !sellerCountry.isEmpty {
            peppolSupplierCountry = sellerCountry
        } else {
            peppolSupplierCountry = "XX"
        }
        if self.profile == .oioubl { oioublSums = OIOUBLArithmeticRules.Sums(self) }
    }

    /// Calls `body` with (line index, index within the line, allowance/charge) for every line-level allowance and charge.
    @inline(__always)
    func eachLineAllowanceCharge(_ body: (Int, Int, Borrowed<AllowanceCharge>) -> Void) {
        guard !linesWithAllowanceCharges.isEmpty else { return }
        invoice.lines.withUnsafeBufferPointer { lines in
            for li in linesWithAllowanceCharges { lines[li].allowanceCharges.each { j, ac in body(li, j, ac) } }
        }
    }

    /// Whether the parser met an unreadable field at one of `paths` (the field is there, if unreadable).
    public func hasUnreadable(_ paths: String...) -> Bool {
        unreadablePaths.contains { paths.contains($0) }
    }

    /// Whether the document was written as a credit note (UBL `CreditNote` root or a credit-note type code).
    public var isCreditNote: Bool { invoice.documentKind == .creditNote }
}

/// A party identifier whose scheme the identifier rules check.
struct SchemedIdentifier: Sendable {
    let identifier: Identifier
    let scheme: SchemeSet
    let place: String
    /// A CII deliver-to or item identifier (checked by the PEPPOL CII rules only).
    let ciiExtra: Bool
}

/// The numbers of one line as `Exact` values, decoded once per document.
struct LineFacts: Sendable {
    let net: Exact?
    let quantity: Exact?
    let price: Exact?
    let baseQuantity: Exact?
    let rate: Exact?

    init(_ l: Borrowed<InvoiceLine>) {
        net = l.netAmount.exact
        quantity = l.invoicedQuantity.exact
        price = l.itemNetPrice.exact
        baseQuantity = l.itemPriceBaseQuantity.exact
        rate = l.vatRate.exact
    }
}

/// A set of the identifier schemes the identifier rules check.
struct SchemeSet: OptionSet, Sendable {
    let rawValue: UInt32
    static let known: [String] = ["0088", "0192", "0184", "0208", "0201", "0210", "0211", "0007", "0151", "9906", "9907", "9901", "GLN", "DK:CVR", "DK:CPR", "NO:ORGNR"]

    init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The set holding `scheme` if it is one of `known`, else empty.
    init(scheme: String?) {
        guard let scheme, let i = SchemeSet.known.firstIndex(of: scheme) else { self.init(rawValue: 0); return }
        self.init(rawValue: 1 << UInt32(i))
    }

    init(schemes: [String]) {
        var r: UInt32 = 0
        for s in schemes { r |= SchemeSet(scheme: s).rawValue }
        self.init(rawValue: r)
    }
}

/// A set of UNCL 5305 VAT category codes (plus "other" for anything else, "none" for a missing code).
public struct CategorySet: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let S = CategorySet(rawValue: 1 << 0)
    public static let Z = CategorySet(rawValue: 1 << 1)
    public static let E = CategorySet(rawValue: 1 << 2)
    public static let AE = CategorySet(rawValue: 1 << 3)
    public static let K = CategorySet(rawValue: 1 << 4)
    public static let G = CategorySet(rawValue: 1 << 5)
    public static let O = CategorySet(rawValue: 1 << 6)
    public static let L = CategorySet(rawValue: 1 << 7)
    public static let M = CategorySet(rawValue: 1 << 8)
    public static let B = CategorySet(rawValue: 1 << 9)
    public static let other = CategorySet(rawValue: 1 << 14)
    public static let none = CategorySet(rawValue: 1 << 15)

    /// The set holding the category `code` (trimmed) stands for.
    public init(code: String?) {
        guard let code else { self = .none; return }
        switch code {
        case "S": self = .S
        case "Z": self = .Z
        case "E": self = .E
        case "AE": self = .AE
        case "K": self = .K
        case "G": self = .G
        case "O": self = .O
        case "L": self = .L
        case "M": self = .M
        case "B": self = .B
        default:
            let t = Text.trim(code)
            self = t.utf8.count == code.utf8.count ? .other : CategorySet(code: t)
        }
    }
}

/// Small text helpers that allocate only when they must (the parser already trims element text).
enum Text {
    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// `s` without leading and trailing XML whitespace; `s` itself (no copy) when there is none.
    @inline(__always)
    static func trim(_ s: String) -> String {
        let u = s.utf8
        guard let f = u.first, let l = u.last, isSpace(f) || isSpace(l) else { return s }
        return s.trimmingWhitespace()
    }

    /// Trimmed and upper-cased, "" for nil; no allocation when already so (country codes).
    static func upperTrimmed(_ s: String?) -> String {
        guard let s else { return "" }
        let t = trim(s)
        if t.utf8.allSatisfy({ !($0 >= 97 && $0 <= 122) }) { return t }
        return t.uppercased()
    }

    /// The first `n` bytes of `s` as a string when they are ASCII (codes and country prefixes are: no grapheme
    /// breaking), else the first `n` characters (never half a character).
    @inline(__always)
    static func prefix(_ s: String, _ n: Int) -> String {
        let bytes = s.utf8.prefix(n)
        return bytes.allSatisfy({ $0 < 0x80 }) ? String(decoding: bytes, as: UTF8.self) : String(s.prefix(n))
    }

    /// Whether `s` starts with the bytes of `prefix` (no Unicode normalisation: identifiers and codes).
    @inline(__always)
    static func hasPrefix(_ s: String, _ prefix: String) -> Bool {
        guard s.utf8.count >= prefix.utf8.count else { return false }
        var s = s, prefix = prefix
        return s.withUTF8 { a in prefix.withUTF8 { b in memcmp(a.baseAddress!, b.baseAddress!, b.count) == 0 } }
    }

    /// True when every byte is an ASCII digit (and there is at least one).
    static func isDigits(_ s: Substring.UTF8View) -> Bool {
        guard !s.isEmpty else { return false }
        for b in s where b < 48 || b > 57 { return false }
        return true
    }
    static func isDigits(_ s: String) -> Bool {
        let u = s.utf8
        guard !u.isEmpty else { return false }
        for b in u where b < 48 || b > 57 { return false }
        return true
    }

    /// The digits of an all-digit string, or nil.
    static func digits(_ s: some StringProtocol) -> [Int]? {
        var out: [Int] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            guard b >= 48, b <= 57 else { return nil }
            out.append(Int(b &- 48))
        }
        return out.isEmpty ? nil : out
    }

    /// XPath `normalize-space(.) = code` for a code without inner spaces.
    @inline(__always)
    static func equals(_ s: String?, _ code: String) -> Bool {
        guard let s else { return false }
        if s == code { return true }
        let t = trim(s)
        return t.utf8.count != s.utf8.count && t == code
    }
}

extension Optional where Wrapped == String {
    /// Present and not only whitespace (XPath `normalize-space(x) != ''`).
    @inline(__always)
    var isPresent: Bool {
        guard let s = self else { return false }
        return s.isPresent
    }
}

extension String {
    /// Not empty and not only whitespace.
    @inline(__always)
    var isPresent: Bool {
        for b in utf8 where b != 0x20 && b != 0x09 && b != 0x0A && b != 0x0D { return true }
        return false
    }
}
