import BilagCore

/// EN 16931 rules on invoice lines (BG-25) and their allowances and charges (BG-27, BG-28):
/// BR-21…BR-28, BR-30, BR-41…BR-44, BR-64, BR-65, BR-CO-04, BR-CO-20, BR-CO-23, BR-CO-24.
enum LineRules {
    static let p = Profiles.en16931

    static let all: [any Rule] = [
        EachLine("BR-21", p, "Each Invoice line (BG-25) shall have an Invoice line identifier (BT-126).") { l, _ in l.identifier.isPresent },
        EachLine("BR-22", p, "Each Invoice line (BG-25) shall have an Invoiced quantity (BT-129).") { l, _ in l.invoicedQuantity != nil },
        EachLine("BR-23", p, "An Invoice line (BG-25) shall have an Invoiced quantity unit of measure code (BT-130).") { l, _ in l.invoicedQuantityUnitCode != nil },
        EachLine("BR-24", p, "Each Invoice line (BG-25) shall have an Invoice line net amount (BT-131).") { l, _ in l.netAmount != nil },
        EachLine("BR-25", p, "Each Invoice line (BG-25) shall contain the Item name (BT-153).") { l, _ in l.itemName.isPresent },
        EachLine("BR-26", p, "Each Invoice line (BG-25) shall contain the Item net price (BT-146).") { l, _ in l.itemNetPrice != nil },
        EachLine("BR-27", p, "The Item net price (BT-146) shall NOT be negative.") { l, _ in l.itemNetPrice.map { !$0.value.isSignMinus || $0.value.isZero } ?? false },
        EachLine("BR-28", p, "The Item gross price (BT-148) shall NOT be negative.") { l, _ in l.itemGrossPrice.map { !$0.value.isSignMinus || $0.value.isZero } ?? true },
        // A price written `-0.00` is less than 0 for the official rules (`PriceAmount >= 0` on an untyped value: Saxon
        // compares a negative zero as negative); the model reads 0.
        Assert("BR-27", p, at: "BT-146", "The Item net price (BT-146) shall NOT be negative.") { c in
            !c.lexical.negativeZeroAmounts.contains { $0.hasSuffix("Price/PriceAmount") || $0.hasSuffix("NetPriceProductTradePrice/ChargeAmount") }
        },
        Assert("BR-28", p, at: "BT-148", "The Item gross price (BT-148) shall NOT be negative.") { c in
            !c.lexical.negativeZeroAmounts.contains { $0.hasSuffix("Price/AllowanceCharge/BaseAmount") || $0.hasSuffix("GrossPriceProductTradePrice/ChargeAmount") }
        },
        EachLine("BR-CO-04", p, "Each Invoice line (BG-25) shall be categorized with an Invoiced item VAT category code (BT-151).") { l, _ in l.vatCategoryCode.isPresent },
        EachLine("BR-30", p, "If both Invoice line period start date (BT-134) and Invoice line period end date (BT-135) are given then the Invoice line period end date (BT-135) shall be later or equal to the Invoice line period start date (BT-134).") { l, _ in
            guard let s = l.period?.startDate, let e = l.period?.endDate else { return true }
            return e >= s
        },
        EachLine("BR-CO-20", p, "If Invoice line period (BG-26) is used, the Invoice line period start date (BT-134) or the Invoice line period end date (BT-135) shall be filled, or both.") { l, c in
            guard let period = l.period else { return true }
            // A date written but no date is there for the official rules (the parser's path names no line: any line's).
            return period.startDate != nil || period.endDate != nil
                || c.unreadablePaths.contains { $0.contains("Line/cac:InvoicePeriod/") || $0.contains("/ram:BillingSpecifiedPeriod/") }
        },
        EachLine("BR-64", p, "The Item standard identifier (BT-157) shall have a Scheme identifier.") { l, _ in l.itemStandardIdentifier.map { $0.scheme != nil } ?? true },
        EachLine("BR-65", p, "The Item classification identifier (BT-158) shall have a Scheme identifier.") { l, _ in l.itemClassificationIdentifiers.allBorrowed { $0.scheme != nil } },

        EachLineAllowanceCharge("BR-41", p, .allowances, "Each Invoice line allowance (BG-27) shall have an Invoice line allowance amount (BT-136).") { ac, c in ac.amount != nil || FormatFindings.emptyLineAllowanceChargeAmount(c) },
        EachLineAllowanceCharge("BR-42", p, .allowances, "Each Invoice line allowance (BG-27) shall have an Invoice line allowance reason (BT-139) or an Invoice line allowance reason code (BT-140).") { ac, _ in ac.reason != nil || ac.reasonCode != nil },
        EachLineAllowanceCharge("BR-CO-23", p, .allowances, "Each Invoice line allowance (BG-27) shall contain an Invoice line allowance reason (BT-139) or an Invoice line allowance reason code (BT-140), or both.") { ac, _ in ac.reason != nil || ac.reasonCode != nil },
        EachLineAllowanceCharge("BR-43", p, .charges, "Each Invoice line charge (BG-28) shall have an Invoice line charge amount (BT-141).") { ac, c in ac.amount != nil || FormatFindings.emptyLineAllowanceChargeAmount(c) },
        EachLineAllowanceCharge("BR-44", p, .charges, "Each Invoice line charge (BG-28) shall have an Invoice line charge reason (BT-144) or an invoice line charge reason code (BT-145).") { ac, _ in ac.reason != nil || ac.reasonCode != nil },
        EachLineAllowanceCharge("BR-CO-24", p, .charges, "Each Invoice line charge (BG-28) shall contain an Invoice line charge reason (BT-144) or an Invoice line charge reason code (BT-145), or both.") { ac, _ in ac.reason != nil || ac.reasonCode != nil },
    ]
}
