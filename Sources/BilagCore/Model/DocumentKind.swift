/// Whether a document claims money (invoice) or gives it back (credit note).
///
/// A credit note is a negative document: `signedPayable` and friends turn its amounts negative,
/// so no later stage has to remember a flag.
public enum DocumentKind: String, Codable, Sendable {
    case invoice
    case creditNote = "credit-note"

    /// UNCL 1001 codes for credit notes (81, 83, 261, 262, 296, 308, 381, 396, 420, 458, 532).
    public static let creditNoteTypeCodes: Set<String> = ["81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"]

    /// +1 for invoices, -1 for credit notes.
    public var sign: Amount { self == .creditNote ? -1 : 1 }

    /// `amount` as this kind of document counts it: negated for a credit note. Equal to `amount * sign`, without a
    /// Decimal multiplication (three per invoice on the intake's path).
    public func signed(_ amount: Amount) -> Amount {
        self == .creditNote && !amount.value.isZero ? -amount : amount
    }
}
