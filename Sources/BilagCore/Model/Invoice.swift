/// The canonical invoice: one model for UBL and CII, OIOUBL, PEPPOL BIS 3, EHF and EN 16931.
///
/// Field names follow the EN 16931 business terms; each carries its BT/BG number.
/// `docs/invoice-model.md` gives the UBL and CII path of every field.
public struct Invoice: Hashable, Codable, Sendable {
    /// The stored fields. An invoice holds them in one box, shared by its copies until one of them changes a field
    /// (copy on write): passing an invoice from the parser through validation, the robots and the store is one
    /// retain, not one per text and list it holds. Encoded and compared as the fields themselves.
    public struct Fields: Hashable, Codable, Sendable {
        /// The syntax the document was written in.
        public var syntax: Syntax
        /// Invoice or credit note (from the root element and BT-3).
        public var documentKind: DocumentKind
        /// The rule set the document declares (from BT-24).
        public var profile: Profile

        /// BT-1
        public var invoiceNumber: String?
        /// BT-2
        public var issueDate: LocalDate?
        /// BT-3 (UNCL 1001: 380 invoice, 381 credit note, 384 corrected invoice…)
        public var invoiceTypeCode: String?
        /// BT-5
        public var documentCurrencyCode: CurrencyCode?
        /// BT-6
        public var vatAccountingCurrencyCode: CurrencyCode?
        /// BT-7
        public var valueAddedTaxPointDate: LocalDate?
        /// BT-9
        public var paymentDueDate: LocalDate?
        /// BT-10
        public var buyerReference: String?
        /// BT-11
        public var projectReference: String?
        /// BT-12
        public var contractReference: String?
        /// BT-13
        public var purchaseOrderReference: String?
        /// BT-14
        public var salesOrderReference: String?
        /// BT-15
        public var receivingAdviceReference: String?
        /// BT-16
        public var despatchAdviceReference: String?
        /// BT-17
        public var tenderOrLotReference: String?
        /// BT-18
        public var invoicedObjectIdentifier: Identifier?
        /// BT-19
        public var buyerAccountingReference: String?
        /// BT-20
        public var paymentTerms: String?
        /// BG-1 (BT-21, BT-22)
        public var notes: [Note] = []
        /// BG-2 BT-23
        public var businessProcessType: String?
        /// BG-2 BT-24
        public var specificationIdentifier: String?
        /// BG-3 (BT-25, BT-26)
        public var precedingInvoiceReferences: [PrecedingInvoiceReference] = []
        /// BG-4
        public var seller: Party = Party()
        /// BG-7
        public var buyer: Party = Party()
        /// BG-10
        public var payee: Payee?
        /// BG-11
        public var sellerTaxRepresentative: TaxRepresentative?
        /// BG-13
        public var delivery: Delivery?
        /// BG-14
        public var invoicingPeriod: Period?
        /// BG-16
        public var paymentInstructions: [PaymentInstructions] = []
        /// BG-20 and BG-21
        public var allowanceCharges: [AllowanceCharge] = []
        /// BG-22
        public var totals: DocumentTotals = DocumentTotals()
        /// BG-23
        public var vatBreakdown: [VATBreakdown] = []
        /// BG-24
        public var supportingDocuments: [SupportingDocument] = []
        /// BG-25
        public var lines: [InvoiceLine] = []

        public init(syntax: Syntax, documentKind: DocumentKind, profile: Profile = .unknown) {
            self.syntax = syntax
            self.documentKind = documentKind
            self.profile = profile
        }
    }

    @usableFromInline var box: SharedFields<Fields>

    public init(syntax: Syntax, documentKind: DocumentKind, profile: Profile = .unknown) {
        box = SharedFields(Fields(syntax: syntax, documentKind: documentKind, profile: profile))
    }

    @inlinable mutating func makeUnique() { SharedFields.makeUnique(&box) }

    public init(from decoder: any Decoder) throws { box = SharedFields(try Fields(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try box.fields.encode(to: encoder) }
    public static func == (a: Invoice, b: Invoice) -> Bool { a.box === b.box || a.box.fields == b.box.fields }
    public func hash(into hasher: inout Hasher) { box.fields.hash(into: &hasher) }

    /// The syntax the document was written in.
    @inlinable public var syntax: Syntax {
        _read { yield box.fields.syntax }
        _modify { makeUnique(); yield &box.fields.syntax }
    }
    /// Invoice or credit note (from the root element and BT-3).
    @inlinable public var documentKind: DocumentKind {
        _read { yield box.fields.documentKind }
        _modify { makeUnique(); yield &box.fields.documentKind }
    }
    /// The rule set the document declares (from BT-24).
    @inlinable public var profile: Profile {
        _read { yield box.fields.profile }
        _modify { makeUnique(); yield &box.fields.profile }
    }

    /// BT-1
    @inlinable public var invoiceNumber: String? {
        _read { yield box.fields.invoiceNumber }
        _modify { makeUnique(); yield &box.fields.invoiceNumber }
    }
    /// BT-2
    @inlinable public var issueDate: LocalDate? {
        _read { yield box.fields.issueDate }
        _modify { makeUnique(); yield &box.fields.issueDate }
    }
    /// BT-3 (UNCL 1001: 380 invoice, 381 credit note, 384 corrected invoice…)
    @inlinable public var invoiceTypeCode: String? {
        _read { yield box.fields.invoiceTypeCode }
        _modify { makeUnique(); yield &box.fields.invoiceTypeCode }
    }
    /// BT-5
    @inlinable public var documentCurrencyCode: CurrencyCode? {
        _read { yield box.fields.documentCurrencyCode }
        _modify { makeUnique(); yield &box.fields.documentCurrencyCode }
    }
    /// BT-6
    @inlinable public var vatAccountingCurrencyCode: CurrencyCode? {
        _read { yield box.fields.vatAccountingCurrencyCode }
        _modify { makeUnique(); yield &box.fields.vatAccountingCurrencyCode }
    }
    /// BT-7
    @inlinable public var valueAddedTaxPointDate: LocalDate? {
        _read { yield box.fields.valueAddedTaxPointDate }
        _modify { makeUnique(); yield &box.fields.valueAddedTaxPointDate }
    }
    /// BT-9
    @inlinable public var paymentDueDate: LocalDate? {
        _read { yield box.fields.paymentDueDate }
        _modify { makeUnique(); yield &box.fields.paymentDueDate }
    }
    /// BT-10
    @inlinable public var buyerReference: String? {
        _read { yield box.fields.buyerReference }
        _modify { makeUnique(); yield &box.fields.buyerReference }
    }
    /// BT-11
    @inlinable public var projectReference: String? {
        _read { yield box.fields.projectReference }
        _modify { makeUnique(); yield &box.fields.projectReference }
    }
    /// BT-12
    @inlinable public var contractReference: String? {
        _read { yield box.fields.contractReference }
        _modify { makeUnique(); yield &box.fields.contractReference }
    }
    /// BT-13
    @inlinable public var purchaseOrderReference: String? {
        _read { yield box.fields.purchaseOrderReference }
        _modify { makeUnique(); yield &box.fields.purchaseOrderReference }
    }
    /// BT-14
    @inlinable public var salesOrderReference: String? {
        _read { yield box.fields.salesOrderReference }
        _modify { makeUnique(); yield &box.fields.salesOrderReference }
    }
    /// BT-15
    @inlinable public var receivingAdviceReference: String? {
        _read { yield box.fields.receivingAdviceReference }
        _modify { makeUnique(); yield &box.fields.receivingAdviceReference }
    }
    /// BT-16
    @inlinable public var despatchAdviceReference: String? {
        _read { yield box.fields.despatchAdviceReference }
        _modify { makeUnique(); yield &box.fields.despatchAdviceReference }
    }
    /// BT-17
    @inlinable public var tenderOrLotReference: String? {
        _read { yield box.fields.tenderOrLotReference }
        _modify { makeUnique(); yield &box.fields.tenderOrLotReference }
    }
    /// BT-18
    @inlinable public var invoicedObjectIdentifier: Identifier? {
        _read { yield box.fields.invoicedObjectIdentifier }
        _modify { makeUnique(); yield &box.fields.invoicedObjectIdentifier }
    }
    /// BT-19
    @inlinable public var buyerAccountingReference: String? {
        _read { yield box.fields.buyerAccountingReference }
        _modify { makeUnique(); yield &box.fields.buyerAccountingReference }
    }
    /// BT-20
    @inlinable public var paymentTerms: String? {
        _read { yield box.fields.paymentTerms }
        _modify { makeUnique(); yield &box.fields.paymentTerms }
    }
    /// BG-1 (BT-21, BT-22)
    @inlinable public var notes: [Note] {
        _read { yield box.fields.notes }
        _modify { makeUnique(); yield &box.fields.notes }
    }
    /// BG-2 BT-23
    @inlinable public var businessProcessType: String? {
        _read { yield box.fields.businessProcessType }
        _modify { makeUnique(); yield &box.fields.businessProcessType }
    }
    /// BG-2 BT-24
    @inlinable public var specificationIdentifier: String? {
        _read { yield box.fields.specificationIdentifier }
        _modify { makeUnique(); yield &box.fields.specificationIdentifier }
    }
    /// BG-3 (BT-25, BT-26)
    @inlinable public var precedingInvoiceReferences: [PrecedingInvoiceReference] {
        _read { yield box.fields.precedingInvoiceReferences }
        _modify { makeUnique(); yield &box.fields.precedingInvoiceReferences }
    }
    /// BG-4
    @inlinable public var seller: Party {
        _read { yield box.fields.seller }
        _modify { makeUnique(); yield &box.fields.seller }
    }
    /// BG-7
    @inlinable public var buyer: Party {
        _read { yield box.fields.buyer }
        _modify { makeUnique(); yield &box.fields.buyer }
    }
    /// BG-10
    @inlinable public var payee: Payee? {
        _read { yield box.fields.payee }
        _modify { makeUnique(); yield &box.fields.payee }
    }
    /// BG-11
    @inlinable public var sellerTaxRepresentative: TaxRepresentative? {
        _read { yield box.fields.sellerTaxRepresentative }
        _modify { makeUnique(); yield &box.fields.sellerTaxRepresentative }
    }
    /// BG-13
    @inlinable public var delivery: Delivery? {
        _read { yield box.fields.delivery }
        _modify { makeUnique(); yield &box.fields.delivery }
    }
    /// BG-14
    @inlinable public var invoicingPeriod: Period? {
        _read { yield box.fields.invoicingPeriod }
        _modify { makeUnique(); yield &box.fields.invoicingPeriod }
    }
    /// BG-16
    @inlinable public var paymentInstructions: [PaymentInstructions] {
        _read { yield box.fields.paymentInstructions }
        _modify { makeUnique(); yield &box.fields.paymentInstructions }
    }
    /// BG-20 and BG-21
    @inlinable public var allowanceCharges: [AllowanceCharge] {
        _read { yield box.fields.allowanceCharges }
        _modify { makeUnique(); yield &box.fields.allowanceCharges }
    }
    /// BG-22
    @inlinable public var totals: DocumentTotals {
        _read { yield box.fields.totals }
        _modify { makeUnique(); yield &box.fields.totals }
    }
    /// BG-23
    @inlinable public var vatBreakdown: [VATBreakdown] {
        _read { yield box.fields.vatBreakdown }
        _modify { makeUnique(); yield &box.fields.vatBreakdown }
    }
    /// BG-24
    @inlinable public var supportingDocuments: [SupportingDocument] {
        _read { yield box.fields.supportingDocuments }
        _modify { makeUnique(); yield &box.fields.supportingDocuments }
    }
    /// BG-25
    @inlinable public var lines: [InvoiceLine] {
        _read { yield box.fields.lines }
        _modify { makeUnique(); yield &box.fields.lines }
    }

    /// BG-20: document-level allowances.
    public var documentAllowances: [AllowanceCharge] { allowanceCharges.filter { !$0.isCharge } }
    /// BG-21: document-level charges.
    public var documentCharges: [AllowanceCharge] { allowanceCharges.filter { $0.isCharge } }

    /// BT-115 signed by document kind: negative for a credit note. This is the amount a booking moves.
    public var signedAmountDue: Amount? { totals.amountDueForPayment.map(documentKind.signed) }
    /// BT-109 signed by document kind.
    public var signedTotalWithoutVAT: Amount? { totals.invoiceTotalAmountWithoutVAT.map(documentKind.signed) }
    /// BT-110 signed by document kind.
    public var signedTotalVAT: Amount? { totals.invoiceTotalVATAmount.map(documentKind.signed) }

    /// The seller's key for duplicate detection and routing: legal registration (CVR/org.nr.), else VAT id, else endpoint, else name.
    public var sellerKey: String? {
        if let id = seller.legalRegistrationIdentifier?.value, !id.isEmpty { return Identifiers.normalizedPartyKey(id) }
        if let vat = seller.vatIdentifier, !vat.isEmpty { return Identifiers.normalizedPartyKey(vat) }
        if let e = seller.electronicAddress?.value, !e.isEmpty { return Identifiers.normalizedPartyKey(e) }
        return seller.name
    }
}
