import BilagCore

/// All EN 16931 core rules bilag checks (the syntax-independent business rules of EN 16931-1, as the official
/// CEN Schematron for UBL and CII states them).
enum CoreRules {
    static let all: [any Rule] =
        DocumentMandatoryRules.all
        + PartyRules.all
        + LineRules.all
        + AllowanceChargeRules.all
        + PeriodRules.all
        + PaymentRules.all
        + [LineTotal(), AllowanceChargeTotal(charges: false), AllowanceChargeTotal(charges: true), TotalWithoutVAT(), TotalVAT(), TotalWithVAT(), AmountDue()]
        + BreakdownRules.all
        + VATCategoryRules.all
        + DecimalRules.all
        + CodeListRules.all
        + [UBLAmountDecimals()]
}
