/// The rule set a document declares through its `CustomizationID` (BT-24).
public enum Profile: String, Codable, Sendable, CaseIterable {
    /// OIOUBL 2.0x / 2.1 (Denmark, NemHandel); predates EN 16931.
    case oioubl
    /// PEPPOL BIS Billing 3.0 (also EHF 3 in Norway, which is PEPPOL BIS 3 with Norwegian rules).
    case peppolBis3 = "peppol-bis-3"
    /// XRechnung (Germany), a CIUS of EN 16931.
    case xrechnung
    /// Plain EN 16931 or another CIUS of it.
    case en16931 = "en16931"
    /// No or unknown customization; validated with EN 16931 rules.
    case unknown

    /// Recognises the profile of a `CustomizationID`.
    public static func detect(customizationID: String?) -> Profile {
        guard let id = customizationID?.trimmingWhitespace().lowercased(), !id.isEmpty else { return .unknown }
        if id.hasPrefix("oioubl") || id.contains("oioubl") { return .oioubl }
        if id.contains("peppol.eu") || id.contains("ehf") { return .peppolBis3 }
        if id.contains("xrechnung") { return .xrechnung }
        if id.contains("en16931") { return .en16931 }
        return .unknown
    }
}

import Foundation
