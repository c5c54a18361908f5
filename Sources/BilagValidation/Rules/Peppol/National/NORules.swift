import BilagCore

/// The Norwegian national rules of PEPPOL BIS 3 / EHF 3 (NO-R-*), for a Norwegian seller as PEPPOL derives the
/// seller's country (the seller VAT id prefix, else the tax representative's, else the postal country).
enum NORules {
    static let p = Profiles.peppol

    static let all: [any Rule] = [
        Assert("NO-R-001", p, at: "BT-31", "For Norwegian suppliers, a VAT number MUST be the country code prefix NO followed by a valid Norwegian organization number (nine numbers) followed by the letters MVA.") { c in
            // CII: the PEPPOL rule reads the registration with schemeID "VAT" (not EN 16931's "VA").
            let written = c.invoice.syntax == .cii && !c.lexical.root.isEmpty ? c.lexical.ciiSellerVATSchemeID : c.invoice.seller.vatIdentifier
            guard c.peppolSupplierCountry == "NO", let vat = written, vat.hasPrefix("NO") else { return true }
            let rest = vat.dropFirst(2)
            guard rest.utf8.count == 12, rest.hasSuffix("MVA") else { return false }
            let number = String(rest.prefix(9))
            return Text.isDigits(number) && Checksums.mod11(number)
        },
        Assert("NO-R-002", p, severity: .warning, at: "BT-32", "Most invoice issuers are required to append \"Foretaksregisteret\" to their invoice. \"Dersom selger er aksjeselskap, allmennaksjeselskap eller filial av utenlandsk selskap skal også ordet «Foretaksregisteret» fremgå av salgsdokumentet, jf. foretaksregisterloven § 10-2.\"") { c in
            guard c.peppolSupplierCountry == "NO" else { return true }
            return c.invoice.seller.taxRegistrationIdentifier.map(Text.trim) == "Foretaksregisteret"
        },
    ]
}
