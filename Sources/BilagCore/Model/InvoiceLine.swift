/// An invoice line (BG-25).
public struct InvoiceLine: Hashable, Codable, Sendable {
    /// BT-126
    public var identifier: String?
    /// BT-127
    public var note: String?
    /// BT-128
    public var objectIdentifier: Identifier?
    /// BT-129 (negative on credit-note lines only when the supplier wrote it so)
    public var invoicedQuantity: Amount?
    /// BT-130 (UN/ECE Rec 20)
    public var invoicedQuantityUnitCode: String?
    /// BT-131
    public var netAmount: Amount?
    /// BT-132
    public var referencedPurchaseOrderLineReference: String?
    /// BT-133
    public var buyerAccountingReference: String?
    /// BG-26
    public var period: Period?
    /// BG-27 / BG-28
    public var allowanceCharges: [AllowanceCharge] = []
    /// BT-146
    public var itemNetPrice: Amount?
    /// BT-147
    public var itemPriceDiscount: Amount?
    /// BT-148
    public var itemGrossPrice: Amount?
    /// BT-149
    public var itemPriceBaseQuantity: Amount?
    /// BT-150
    public var itemPriceBaseQuantityUnitCode: String?
    /// BT-151
    public var vatCategoryCode: String?
    /// BT-152
    public var vatRate: Amount?
    /// BT-153
    public var itemName: String?
    /// BT-154
    public var itemDescription: String?
    /// BT-155
    public var itemSellersIdentifier: String?
    /// BT-156
    public var itemBuyersIdentifier: String?
    /// BT-157
    public var itemStandardIdentifier: Identifier?
    /// BT-158
    public var itemClassificationIdentifiers: [Identifier] = []
    /// BT-159
    public var itemCountryOfOrigin: String?
    /// BG-32: BT-160 name, BT-161 value
    public var itemAttributes: [ItemAttribute] = []
    public init() {}
}

/// An item attribute (BG-32).
public struct ItemAttribute: Hashable, Codable, Sendable {
    /// BT-160
    public var name: String
    /// BT-161
    public var value: String
    public init(name: String, value: String) { self.name = name; self.value = value }
}
