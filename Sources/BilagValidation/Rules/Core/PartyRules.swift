import BilagCore

/// EN 16931 rules on the parties: payee, tax representative, deliver-to, electronic addresses, VAT identifiers
/// (BR-17…BR-20, BR-56, BR-57, BR-62, BR-63, BR-CO-09).
enum PartyRules {
    static let p = Profiles.en16931

    static let all: [any Rule] = [
        Assert("BR-17", p, at: "BG-10", "The Payee name (BT-59) shall be provided in the Invoice, if the Payee (BG-10) is different from the Seller (BG-4).") { c in
            guard let payee = c.invoice.payee else { return true }
            guard let name = payee.name, name.isPresent else { return false }
            if let sellerName = c.invoice.seller.tradingName, sellerName == name { return false }
            if let id = payee.identifier?.value, c.invoice.seller.identifiers.anyBorrowed({ $0.value == id }) { return false }
            return true
        },
        Assert("BR-18", p, at: "BG-11", "The Seller tax representative name (BT-62) shall be provided in the Invoice, if the Seller (BG-4) has a Seller tax representative party (BG-11).") { c in
            c.invoice.sellerTaxRepresentative.map { $0.name.isPresent } ?? true
        },
        Assert("BR-19", p, at: "BG-11", "The Seller tax representative postal address (BG-12) shall be provided in the Invoice, if the Seller (BG-4) has a Seller tax representative party (BG-11).") { c in
            c.invoice.sellerTaxRepresentative.map { $0.postalAddress != nil } ?? true
        },
        Assert("BR-20", p, at: "BG-12", "The Seller tax representative postal address (BG-12) shall contain a Tax representative country code (BT-69), if the Seller (BG-4) has a Seller tax representative party (BG-11).") { c in
            c.invoice.sellerTaxRepresentative?.postalAddress.map { $0.countryCode.isPresent } ?? true
        },
        Assert("BR-56", p, at: "BG-11", "Each Seller tax representative party (BG-11) shall have a Seller tax representative VAT identifier (BT-63).") { c in
            c.invoice.sellerTaxRepresentative.map { $0.vatIdentifier.isPresent } ?? true
        },
        Assert("BR-57", p, at: "BG-15", "Each Deliver to address (BG-15) shall contain a Deliver to country code (BT-80).") { c in
            c.invoice.delivery?.address.map { $0.countryCode.isPresent } ?? true
        },
        Assert("BR-62", p, at: "BT-34", "The Seller electronic address (BT-34) shall have a Scheme identifier.") { c in
            c.invoice.seller.electronicAddress.map { $0.scheme != nil } ?? true
        },
        Assert("BR-63", p, at: "BT-49", "The Buyer electronic address (BT-49) shall have a Scheme identifier.") { c in
            c.invoice.buyer.electronicAddress.map { $0.scheme != nil } ?? true
        },
        VATIdentifierPrefix(),
    ]
}

/// BR-CO-09: a VAT identifier (BT-31, BT-48, BT-63) starts with an ISO 3166-1 alpha-2 country code
/// (Greece may use `EL`, Northern Ireland `XI`).
final class VATIdentifierPrefix: Rule {
    let id = "BR-CO-09"
    let severity = Severity.fatal
    let profiles = Profiles.en16931

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        let candidates: [(String?, String)] = [
            (c.invoice.seller.vatIdentifier, "BT-31"),
            (c.invoice.buyer.vatIdentifier, "BT-48"),
            (c.invoice.sellerTaxRepresentative?.vatIdentifier, "BT-63"),
        ]
        for (vat, bt) in candidates {
            guard let vat else { continue }
            if !Self.hasCountryPrefix(vat) {
                issues.add(self, "The VAT identifier '\(vat)' (\(bt)) shall have a prefix in accordance with ISO code ISO 3166-1 alpha-2 by which the country of issue may be identified (EL for Greece).", at: bt)
            }
        }
    }

    static func hasCountryPrefix(_ vat: String) -> Bool {
        let u = vat.utf8
        guard u.count >= 2, let a = u.first, let b = u.dropFirst().first else { return false }
        if a >= 65, a <= 90, b >= 65, b <= 90 { return letterPairs[Int(a - 65) * 26 + Int(b - 65)] }
        return CodeLists.vatPrefixCountryCodes.contains(Text.prefix(vat, 2))
    }

    /// The two-letter codes of BR-CO-09 as a 26×26 table.
    static let letterPairs: [Bool] = {
        var t = [Bool](repeating: false, count: 26 * 26)
        for code in CodeLists.vatPrefixCountryCodes {
            let u = Array(code.utf8)
            guard u.count == 2, u.allSatisfy({ $0 >= 65 && $0 <= 90 }) else { continue }
            t[Int(u[0] - 65) * 26 + Int(u[1] - 65)] = true
        }
        return t
    }()
}
