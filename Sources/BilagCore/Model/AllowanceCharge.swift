/// A document-level allowance (BG-20) or charge (BG-21), or a line-level one (BG-27 / BG-28).
public struct AllowanceCharge: Hashable, Codable, Sendable {
    /// true for a charge, false for an allowance (UBL `ChargeIndicator`, CII `ChargeIndicator/Indicator`)
    public var isCharge: Bool
    /// BT-92 / BT-99 / BT-136 / BT-141
    public var amount: Amount?
    /// BT-93 / BT-100 / BT-137 / BT-142
    public var baseAmount: Amount?
    /// BT-94 / BT-101 / BT-138 / BT-143
    public var percentage: Amount?
    /// BT-95 / BT-102 (document level only)
    public var vatCategoryCode: String?
    /// BT-96 / BT-103 (document level only)
    public var vatRate: Amount?
    /// BT-97 / BT-104 / BT-139 / BT-144
    public var reason: String?
    /// BT-98 / BT-105 / BT-140 / BT-145
    public var reasonCode: String?
    public init(isCharge: Bool) { self.isCharge = isCharge }
}
