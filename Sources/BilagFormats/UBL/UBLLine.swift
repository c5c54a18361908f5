import BilagCore

/// Maps a UBL `cac:InvoiceLine` or `cac:CreditNoteLine` (BG-25).
extension UBLReader {
    mutating func line(_ l: XMLElement, kind: DocumentKind) -> InvoiceLine {
        var out = InvoiceLine()
        let p = kind == .invoice ? "cac:InvoiceLine" : "cac:CreditNoteLine"
        out.identifier = l.text(.cbc, "ID")
        out.note = l.text(.cbc, "Note")
        let qty = kind == .invoice ? l.first(.cbc, "InvoicedQuantity") : l.first(.cbc, "CreditedQuantity")
        out.invoicedQuantity = fields.amount(qty, p + (kind == .invoice ? "/cbc:InvoicedQuantity" : "/cbc:CreditedQuantity"))
        out.invoicedQuantityUnitCode = qty?.attribute("unitCode")
        out.netAmount = fields.amount(l.first(.cbc, "LineExtensionAmount"), p + "/cbc:LineExtensionAmount")
        out.buyerAccountingReference = l.text(.cbc, "AccountingCost")
        out.period = period(l.first(.cac, "InvoicePeriod"), p + "/cac:InvoicePeriod")
        out.referencedPurchaseOrderLineReference = l.first(.cac, "OrderLineReference")?.text(.cbc, "LineID")
        if let doc = l.first(.cac, "DocumentReference") { out.objectIdentifier = fields.identifier(doc.first(.cbc, "ID")) }
        for ac in l.all(.cac, "AllowanceCharge") { out.allowanceCharges.append(allowanceCharge(ac, documentLevel: false, line: p)) }
        if let item = l.first(.cac, "Item") {
            out.itemDescription = item.text(.cbc, "Description")
            out.itemName = item.text(.cbc, "Name")
            out.itemBuyersIdentifier = item.first(.cac, "BuyersItemIdentification")?.text(.cbc, "ID")
            out.itemSellersIdentifier = item.first(.cac, "SellersItemIdentification")?.text(.cbc, "ID")
            out.itemStandardIdentifier = fields.identifier(item.first(.cac, "StandardItemIdentification")?.first(.cbc, "ID"))
            out.itemCountryOfOrigin = item.first(.cac, "OriginCountry")?.text(.cbc, "IdentificationCode")
            for c in item.all(.cac, "CommodityClassification") {
                if let i = fields.identifier(c.first(.cbc, "ItemClassificationCode"), schemeAttribute: "listID") { out.itemClassificationIdentifiers.append(i) }
            }
            if let cat = item.first(.cac, "ClassifiedTaxCategory") {
                out.vatCategoryCode = cat.text(.cbc, "ID")
                out.vatRate = fields.amount(cat.first(.cbc, "Percent"), p + "/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent")
            }
            for prop in item.all(.cac, "AdditionalItemProperty") {
                if let n = prop.text(.cbc, "Name"), let v = prop.text(.cbc, "Value") { out.itemAttributes.append(ItemAttribute(name: n, value: v)) }
            }
        }
        // OIOUBL states the line's VAT in a line-level TaxTotal rather than ClassifiedTaxCategory.
        if out.vatCategoryCode == nil, let cat = l.all(.cac, "TaxTotal").lazy.flatMap({ $0.all(.cac, "TaxSubtotal") }).first(where: UBLReader.isVATSubtotal)?.first(.cac, "TaxCategory") {
            out.vatCategoryCode = cat.text(.cbc, "ID")
            out.vatRate = fields.amount(cat.first(.cbc, "Percent"), p + "/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent")
        }
        if let price = l.first(.cac, "Price") {
            out.itemNetPrice = fields.amount(price.first(.cbc, "PriceAmount"), p + "/cac:Price/cbc:PriceAmount")
            if let base = price.first(.cbc, "BaseQuantity") {
                out.itemPriceBaseQuantity = fields.amount(base, p + "/cac:Price/cbc:BaseQuantity")
                out.itemPriceBaseQuantityUnitCode = base.attribute("unitCode")
            }
            if let ac = price.first(.cac, "AllowanceCharge") {
                // Read for what it is written as: an empty or non-xs:boolean indicator stops the official rules.
                _ = fields.bool(ac.first(.cbc, "ChargeIndicator"), p + "/cac:Price/cac:AllowanceCharge/cbc:ChargeIndicator")
                out.itemPriceDiscount = fields.amount(ac.first(.cbc, "Amount"), p + "/cac:Price/cac:AllowanceCharge/cbc:Amount")
                out.itemGrossPrice = fields.amount(ac.first(.cbc, "BaseAmount"), p + "/cac:Price/cac:AllowanceCharge/cbc:BaseAmount")
            }
        }
        return out
    }
}
