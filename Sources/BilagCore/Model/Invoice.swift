/// The canonical invoice: one model for UBL and CII, OIOUBL, PEPPOL BIS 3, EHF and EN 16931.
///
/// Field names follow the EN 16931 business terms; each carries its BT/BG number.
/// `docs/invoice-model.md` gives the UBL and CII path of every field.
@dynamicMemberLookup
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

    /// An invoice of these fields (a reader fills them in as a plain value, then makes the invoice once).
    public init(_ fields: Fields) {
        box = SharedFields(fields)
    }

    /// Each field of `Fields`, read in place and changed in place once the box is this value's own.
    @inlinable public subscript<T>(dynamicMember field: WritableKeyPath<Fields, T>) -> T {
        _read { yield box.fields[keyPath: field] }
        _modify { SharedFields.makeUnique(&box); yield &box.fields[keyPath: field] }
    }

    public init(from decoder: any Decoder) throws { box = SharedFields(try Fields(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try box.fields.encode(to: encoder) }
    public static func == (a: Invoice, b: Invoice) -> Bool { a.box === b.box || a.box.fields == b.box.fields }
    public func hash(into hasher: inout Hasher) { box.fields.hash(into: &hasher) }



    /// BG-20: document-level allowances.
    public var documentAllowances: [AllowanceCharge] { self.allowanceCharges.filter { !$0.isCharge } }
    /// BG-21: document-level charges.
    public var documentCharges: [AllowanceCharge] { self.allowanceCharges.filter { $0.isCharge } }

    /// BT-115 signed by document kind: negative for a credit note. This is the amount a booking moves.
    public var signedAmountDue: Amount? { self.totals.amountDueForPayment.map(self.documentKind.signed) }
    /// BT-109 signed by document kind.
    public var signedTotalWithoutVAT: Amount? { self.totals.invoiceTotalAmountWithoutVAT.map(self.documentKind.signed) }
    /// BT-110 signed by document kind.
    public var signedTotalVAT: Amount? { self.totals.invoiceTotalVATAmount.map(self.documentKind.signed) }

    /// The seller's key for duplicate detection and routing: legal registration (CVR/org.nr.), else VAT id, else endpoint, else name.
    public var sellerKey: String? {
        if let id = self.seller.legalRegistrationIdentifier?.value, !id.isEmpty { return Identifiers.normalizedPartyKey(id) }
        if let vat = self.seller.vatIdentifier, !vat.isEmpty { return Identifiers.normalizedPartyKey(vat) }
        if let e = self.seller.electronicAddress?.value, !e.isEmpty { return Identifiers.normalizedPartyKey(e) }
        return self.seller.name
    }
}
