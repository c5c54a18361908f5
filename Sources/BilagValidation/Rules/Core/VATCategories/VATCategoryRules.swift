import BilagCore

/// The VAT category rules of EN 16931: BR-S-*, BR-Z-*, BR-E-*, BR-AE-*, BR-IC-*, BR-G-*, BR-O-*, BR-AF-*, BR-AG-*, BR-B-*.
enum VATCategoryRules {
    static let p = Profiles.en16931

    static let all: [any Rule] = VATCategoryFamily.all.flatMap { f -> [any Rule] in
        [
            CategoryBreakdownPresence(f),
            CategoryParties(f, .lines), CategoryParties(f, .allowances), CategoryParties(f, .charges),
            CategoryRate(f, .lines), CategoryRate(f, .allowances), CategoryRate(f, .charges),
            CategoryTaxableAmount(f),
            CategoryTaxAmount(f),
            CategoryExemptionReason(f),
        ]
    } + specific

    /// Every VAT category the document states: lines, document allowances and charges, breakdowns.
    static func allCategories(_ c: ValidationContext) -> CategorySet {
        c.lineCategories.union(c.allowanceCategories).union(c.chargeCategories).union(c.breakdownCategories)
    }

    /// The country codes BR-B-01 reads: UBL every `cbc:IdentificationCode` (addresses and item origins), CII every
    /// `ram:CountryID` (addresses).
    static func countryCodes(_ c: ValidationContext) -> [String?] {
        let inv = c.invoice
        var codes = [inv.seller.postalAddress?.countryCode, inv.buyer.postalAddress?.countryCode,
                     inv.sellerTaxRepresentative?.postalAddress?.countryCode, inv.delivery?.address?.countryCode]
        if inv.syntax == .ubl { codes += inv.lines.map(\.itemCountryOfOrigin) }
        return codes
    }

    static let specific: [any Rule] = [
        Assert("BR-B-01", p, "An Invoice where the VAT category code (BT-151, BT-95 or BT-102) is \"Split payment\" shall be a domestic Italian invoice.") { c in
            guard allCategories(c).contains(.B) else { return true }
            return countryCodes(c).allSatisfy { $0 == nil || $0 == "IT" }
        },
        Assert("BR-B-02", p, "An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code (BT-151, BT-95 or BT-102) is \"Split payment\" shall not contain an invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code (BT-151, BT-95 or BT-102) is \"Standard rated\".") { c in
            let all = allCategories(c)
            guard all.contains(.B) else { return true }
            // UBL asks for a breakdown's `cac:TaxSubtotal/cbc:ID`, which does not exist, so only lines, allowances
            // and charges can be standard rated; CII reads every category code.
            let others = c.invoice.syntax == .cii ? all : c.lineCategories.union(c.allowanceCategories).union(c.chargeCategories)
            return !others.contains(.S)
        },
        Assert("BR-IC-11", p, "In an Invoice with a VAT breakdown (BG-23) where the VAT category code (BT-118) is \"Intra-community supply\" the Actual delivery date (BT-72) or the Invoicing period (BG-14) shall not be blank.") { c in
            guard c.breakdownCategories.contains(.K) else { return true }
            if c.invoice.delivery?.actualDeliveryDate != nil { return true }
            guard let p = c.invoice.invoicingPeriod else { return false }
            return p.startDate != nil || p.endDate != nil || p.descriptionCode != nil
        },
        Assert("BR-IC-12", p, "In an Invoice with a VAT breakdown (BG-23) where the VAT category code (BT-118) is \"Intra-community supply\" the Deliver to country code (BT-80) shall not be blank.") { c in
            guard c.breakdownCategories.contains(.K) else { return true }
            return (c.invoice.delivery?.address?.countryCode?.utf8.count ?? 0) > 1
        },
        Assert("BR-O-11", p, "An Invoice that contains a VAT breakdown group (BG-23) with a VAT category code (BT-118) \"Not subject to VAT\" shall not contain other VAT breakdown groups (BG-23).") { c in
            !c.breakdownCategories.contains(.O) || c.breakdownCategories.subtracting(.O).isEmpty
        },
        Assert("BR-O-12", p, "An Invoice that contains a VAT breakdown group (BG-23) with a VAT category code (BT-118) \"Not subject to VAT\" shall not contain an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is not \"Not subject to VAT\".") { c in
            !c.breakdownCategories.contains(.O) || c.lineCategories.subtracting([.O, .none]).isEmpty
        },
        Assert("BR-O-13", p, "An Invoice that contains a VAT breakdown group (BG-23) with a VAT category code (BT-118) \"Not subject to VAT\" shall not contain Document level allowances (BG-20) where Document level allowance VAT category code (BT-95) is not \"Not subject to VAT\".") { c in
            !c.breakdownCategories.contains(.O) || c.allowanceCategories.subtracting([.O, .none]).isEmpty
        },
        Assert("BR-O-14", p, "An Invoice that contains a VAT breakdown group (BG-23) with a VAT category code (BT-118) \"Not subject to VAT\" shall not contain Document level charges (BG-21) where Document level charge VAT category code (BT-102) is not \"Not subject to VAT\".") { c in
            !c.breakdownCategories.contains(.O) || c.chargeCategories.subtracting([.O, .none]).isEmpty
        },
    ]
}
