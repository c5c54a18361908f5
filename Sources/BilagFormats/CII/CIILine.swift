import BilagCore

/// Maps a CII `ram:IncludedSupplyChainTradeLineItem` (BG-25).
extension CIIReader {
    mutating func line(_ item: XMLElement) -> InvoiceLine {
        var out = InvoiceLine()
        let p = "ram:IncludedSupplyChainTradeLineItem"
        if let doc = item.first(.ram, "AssociatedDocumentLineDocument") {
            out.identifier = doc.text(.ram, "LineID")
            out.note = doc.first(.ram, "IncludedNote")?.text(.ram, "Content")
        }
        if let product = item.first(.ram, "SpecifiedTradeProduct") {
            out.itemStandardIdentifier = fields.identifier(product.first(.ram, "GlobalID"))
            out.itemSellersIdentifier = product.text(.ram, "SellerAssignedID")
            out.itemBuyersIdentifier = product.text(.ram, "BuyerAssignedID")
            out.itemName = product.text(.ram, "Name")
            out.itemDescription = product.text(.ram, "Description")
            for c in product.all(.ram, "ApplicableProductCharacteristic") {
                if let n = c.text(.ram, "Description"), let v = c.text(.ram, "Value") { out.itemAttributes.append(ItemAttribute(name: n, value: v)) }
            }
            for c in product.all(.ram, "DesignatedProductClassification") {
                if let i = fields.identifier(c.first(.ram, "ClassCode"), schemeAttribute: "listID") { out.itemClassificationIdentifiers.append(i) }
            }
            out.itemCountryOfOrigin = product.first(.ram, "OriginTradeCountry")?.text(.ram, "ID")
        }
        if let agreement = item.first(.ram, "SpecifiedLineTradeAgreement") {
            out.referencedPurchaseOrderLineReference = agreement.first(.ram, "BuyerOrderReferencedDocument")?.text(.ram, "LineID")
            if let gross = agreement.first(.ram, "GrossPriceProductTradePrice") {
                out.itemGrossPrice = fields.amount(gross.first(.ram, "ChargeAmount"), p + "/ram:GrossPriceProductTradePrice/ram:ChargeAmount")
                out.itemPriceDiscount = fields.amount(gross.first(.ram, "AppliedTradeAllowanceCharge")?.first(.ram, "ActualAmount"), p + "/ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:ActualAmount")
            }
            if let net = agreement.first(.ram, "NetPriceProductTradePrice") {
                out.itemNetPrice = fields.amount(net.first(.ram, "ChargeAmount"), p + "/ram:NetPriceProductTradePrice/ram:ChargeAmount")
                if let base = net.first(.ram, "BasisQuantity") {
                    out.itemPriceBaseQuantity = fields.amount(base, p + "/ram:NetPriceProductTradePrice/ram:BasisQuantity")
                    out.itemPriceBaseQuantityUnitCode = base.attribute("unitCode")
                }
            }
        }
        if let qty = item.first(.ram, "SpecifiedLineTradeDelivery")?.first(.ram, "BilledQuantity") {
            out.invoicedQuantity = fields.amount(qty, p + "/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity")
            out.invoicedQuantityUnitCode = qty.attribute("unitCode")
        }
        if let settlement = item.first(.ram, "SpecifiedLineTradeSettlement") {
            if let tax = settlement.first(.ram, "ApplicableTradeTax") {
                out.vatCategoryCode = tax.text(.ram, "CategoryCode")
                out.vatRate = fields.amount(tax.first(.ram, "RateApplicablePercent"), p + "/ram:ApplicableTradeTax/ram:RateApplicablePercent")
            }
            out.period = period(settlement.first(.ram, "BillingSpecifiedPeriod"), p + "/ram:BillingSpecifiedPeriod")
            for ac in settlement.all(.ram, "SpecifiedTradeAllowanceCharge") { out.allowanceCharges.append(allowanceCharge(ac, documentLevel: false)) }
            out.netAmount = fields.amount(settlement.first(.ram, "SpecifiedTradeSettlementLineMonetarySummation")?.first(.ram, "LineTotalAmount"), p + "/ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount")
            for doc in settlement.all(.ram, "AdditionalReferencedDocument") where doc.text(.ram, "TypeCode") == "130" {
                if let id = doc.text(.ram, "IssuerAssignedID") { out.objectIdentifier = Identifier(id, scheme: doc.text(.ram, "ReferenceTypeCode")) }
            }
            out.buyerAccountingReference = settlement.first(.ram, "ReceivableSpecifiedTradeAccountingAccount")?.text(.ram, "ID")
        }
        return out
    }
}
