import BilagCore

/// OIOUBL VAT categories (`OIOUBL-VAT-*`): OIOUBL codes them `StandardRated`, `ZeroRated`, `ReverseCharge`
/// (TaxScheme 63 "Moms"), not UNCL 5305.
enum OIOUBLVATRules {
    static let p = Profiles.oioubl

    static let all: [any Rule] = [
        EachBreakdown("OIOUBL-VAT-01", p, "A StandardRated TaxSubtotal shall have a Percent greater than zero.") { b, _ in
            b.categoryCode != "StandardRated" || (b.rate?.exact ?? 0) > 0
        },
        EachBreakdown("OIOUBL-VAT-02", p, "A ZeroRated or ReverseCharge TaxSubtotal shall have a TaxAmount of zero.") { b, _ in
            guard b.categoryCode == "ZeroRated" || b.categoryCode == "ReverseCharge" else { return true }
            return b.taxAmount.map { $0.exact == 0 } ?? true
        },
        EachLine("OIOUBL-VAT-03", p, "Each line shall state its VAT category (line TaxTotal/TaxSubtotal/TaxCategory or Item/ClassifiedTaxCategory).") { l, _ in
            l.vatCategoryCode.isPresent
        },
    ]
}
