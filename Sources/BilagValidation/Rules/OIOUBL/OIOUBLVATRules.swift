import BilagCore

/// OIOUBL VAT categories (`OIOUBL-VAT-*`): OIOUBL codes them `StandardRated`, `ZeroRated`, `ReverseCharge`
/// (TaxScheme 63 "Moms"), not UNCL 5305. OIOUBL-VAT-01 (StandardRated with a rate above zero) and -02 (no VAT on
/// ZeroRated/ReverseCharge) are gone: the official OIOUBL rules do not raise them.
enum OIOUBLVATRules {
    static let p = Profiles.oioubl

    static let all: [any Rule] = [
        EachLine("OIOUBL-VAT-03", p, "Each line shall state its VAT category (line TaxTotal/TaxSubtotal/TaxCategory or Item/ClassifiedTaxCategory).") { l, _ in
            l.vatCategoryCode.isPresent
        },
    ]
}
