import BilagCore
import Foundation

/// PEPPOL BIS Billing 3.0 document rules (PEPPOL-EN16931-R001…R007, R010, R020, R055, R061, R080).
enum PeppolDocumentRules {
    static let p = Profiles.peppol
    static let customizationPrefix = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"

    static let all: [any Rule] = [
        Assert("PEPPOL-EN16931-R001", p, at: "BT-23", "Business process MUST be provided.") { c in
            c.invoice.businessProcessType != nil
        },
        Assert("PEPPOL-EN16931-R002", p, at: "BT-22", "No more than one note is allowed on document level, unless both the buyer and seller are German organizations.") { c in
            if c.invoice.syntax == .cii {
                return c.invoice.notes.count <= 1 && !c.invoice.notes.anyBorrowed { $0.subjectCode != nil }
            }
            return c.invoice.notes.count <= 1 || (c.sellerCountry == "DE" && c.buyerCountry == "DE")
        },
        Assert("PEPPOL-EN16931-R003", p, at: "BT-10", "A buyer reference or purchase order reference MUST be provided.") { c in
            c.invoice.buyerReference != nil || c.invoice.purchaseOrderReference != nil
        },
        // UBL: the cac:TaxTotal elements with and without subtotals; CII: the header VAT totals by their currencyID
        // as written.
        Assert("PEPPOL-EN16931-R053", p, at: "BT-110", "Only one tax total with tax subtotals MUST be provided.") { c in
            guard !c.lexical.root.isEmpty else { return true }
            return (c.invoice.syntax == .cii ? c.lexical.taxTotalsInDocumentCurrency : c.lexical.ublTaxTotalsWithSubtotals) == 1
        },
        Assert("PEPPOL-EN16931-R054", p, at: "BT-111", "Only one tax total without tax subtotals MUST be provided when tax currency code is provided.") { c in
            guard !c.lexical.root.isEmpty else { return true }
            let others = c.invoice.syntax == .cii ? c.lexical.ciiTaxTotalsInOtherCurrency : c.lexical.ublTaxTotalsWithoutSubtotals
            return others == (c.lexical.taxCurrencyCodeWritten ? 1 : 0)
        },
        Assert("PEPPOL-EN16931-R004", p, at: "BT-24", "Specification identifier MUST have the value 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0'.") { c in
            guard let id = c.invoice.specificationIdentifier else { return false }
            return Text.hasPrefix(Text.trim(id), customizationPrefix)
        },
        Assert("PEPPOL-EN16931-R005", p, at: "BT-6", "VAT accounting currency code MUST be different from invoice currency code when provided.") { c in
            guard let tax = c.invoice.vatAccountingCurrencyCode?.code else { return true }
            return tax != c.invoice.documentCurrencyCode?.code
        },
        Assert("PEPPOL-EN16931-R007", p, at: "BT-23", "Business process MUST be in the format 'urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0' where NN indicates the process number.") { c in
            PeppolProfile.number(of: c.invoice.businessProcessType) != nil
        },
        Assert("PEPPOL-EN16931-R010", p, at: "BT-49", "Buyer electronic address MUST be provided.") { $0.invoice.buyer.electronicAddress != nil },
        Assert("PEPPOL-EN16931-R020", p, at: "BT-34", "Seller electronic address MUST be provided.") { $0.invoice.seller.electronicAddress != nil },
        Assert("PEPPOL-EN16931-R055", p, at: "BT-111", "Invoice total VAT amount and Invoice total VAT amount in accounting currency MUST have the same operational sign.") { c in
            guard c.invoice.vatAccountingCurrencyCode != nil else { return true }
            guard let doc = c.invoice.totals.invoiceTotalVATAmount?.exact, let acc = c.invoice.totals.invoiceTotalVATAmountInAccountingCurrency?.exact else { return false }
            return (doc <= 0 && acc <= 0) || (doc >= 0 && acc >= 0)
        },
        EachPayment("PEPPOL-EN16931-R061", p, "Mandate reference MUST be provided for direct debit.") { pm, _ in
            guard Text.equals(pm.paymentMeansTypeCode, "49") || Text.equals(pm.paymentMeansTypeCode, "59") else { return true }
            return pm.directDebit?.mandateReferenceIdentifier != nil
        },
        Assert("PEPPOL-EN16931-R080", p, at: "BT-17", "Only one project reference is allowed on document level.") { c in
            // UBL states it for the CreditNote root; CII for every document.
            if c.invoice.syntax == .ubl && !c.isCreditNote { return true }
            return c.invoice.supportingDocuments.countBorrowed { $0.typeCode == "50" } + (c.invoice.syntax == .cii && c.invoice.tenderOrLotReference != nil ? 1 : 0) <= 1
        },
    ]
}

/// The PEPPOL `$profile` variable: the process number NN of a ProfileID holding
/// `urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0` (XPath `matches` finds the pattern anywhere; `.` is any character).
enum PeppolProfile {
    static let stem = Array("urn:fdc:peppol.eu:2017:poacc:billing:".utf8)

    static func number(of profileID: String?) -> String? {
        guard let profileID else { return nil }
        let u = Array(profileID.utf8)
        let n = stem.count
        guard u.count >= n + 6 else { return nil }
        var start = 0
        while start + n + 6 <= u.count {
            var match = true
            for k in 0..<n {
                let a = u[start + k], b = stem[k]
                // '.' in the regex matches any character
                if b != UInt8(ascii: ".") && a != b { match = false; break }
            }
            if match {
                let d1 = u[start + n], d2 = u[start + n + 1]
                if d1 >= 48, d1 <= 57, d2 >= 48, d2 <= 57, u[start + n + 2] == UInt8(ascii: ":"), u[start + n + 3] == UInt8(ascii: "1"), u[start + n + 5] == UInt8(ascii: "0") {
                    return String(decoding: [d1, d2], as: UTF8.self)
                }
            }
            start += 1
        }
        return nil
    }
}
