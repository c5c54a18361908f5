import BilagCore

/// The check-digit rules of the payment references bilag pays to: IBAN (ISO 13616, mod 97), ISO 11649 RF creditor
/// references (mod 97), modulus 10 (Luhn: Danish FIK/giro payment ids, Norwegian KID), modulus 11 (Norwegian KID and
/// account numbers). Pure functions over digit strings.
public enum CheckDigits {
    /// The digits of `s`, or nil when it holds anything else (or nothing).
    static func digits(_ s: String) -> [Int]? { s.isEmpty ? nil : Identifiers.digits(s) }

    /// ISO 7064 mod 97-10 over letters and digits (A = 10 … Z = 35), as IBAN and RF references check: true when the
    /// remainder is 1. `s` must already be rearranged (the country/RF and check digits moved to the end).
    static func mod97(_ s: String) -> Bool {
        var rest = 0
        for b in s.utf8 {
            switch b {
            case 48...57: rest = (rest * 10 + Int(b - 48)) % 97
            case 65...90: rest = (rest * 100 + Int(b - 55)) % 97
            default: return false
            }
        }
        return rest == 1
    }

    /// An IBAN, spaces removed and upper-cased: the country's length where bilag knows it, and mod 97.
    public static func iban(_ raw: String) -> Bool {
        let s = normalizedIBAN(raw)
        let u = Array(s.utf8)
        guard u.count >= 15, u.count <= 34, u[0] >= 65, u[0] <= 90, u[1] >= 65, u[1] <= 90, u[2] >= 48, u[2] <= 57, u[3] >= 48, u[3] <= 57 else { return false }
        if let length = ibanLengths[String(s.prefix(2))], length != u.count { return false }
        return mod97(String(s.dropFirst(4)) + String(s.prefix(4)))
    }

    /// `DK50 0040 0440 1162 43` → `DK5000400440116243`.
    public static func normalizedIBAN(_ raw: String) -> String {
        String(raw.unicodeScalars.filter { !$0.properties.isWhitespace }).uppercased()
    }

    /// The IBAN of a domestic account (`country` DK or NO, `bban` its digits), with its check digits computed.
    public static func ibanFrom(country: String, bban: String) -> String {
        var rest = 0
        for b in (bban + country + "00").utf8 {
            switch b {
            case 48...57: rest = (rest * 10 + Int(b - 48)) % 97
            default: rest = (rest * 100 + Int(b - 55)) % 97
            }
        }
        let check = 98 - rest
        return country + (check < 10 ? "0" : "") + String(check) + bban
    }

    /// IBAN lengths of the countries bilag's municipalities pay to most, as the SWIFT IBAN registry gives them (others are
    /// checked by mod 97 alone).
    static let ibanLengths: [String: Int] = [
        "DK": 18, "NO": 15, "SE": 24, "FI": 18, "DE": 22, "NL": 18, "GB": 22, "FR": 27, "BE": 16, "PL": 28, "IS": 26,
        "FO": 18, "GL": 18, "EE": 20, "LT": 20, "LV": 21, "ES": 24, "IT": 27, "AT": 20, "CH": 21, "IE": 22, "PT": 25,
        "LU": 20,
    ]

    /// An ISO 11649 creditor reference: `RF`, two check digits, up to 21 letters or digits; mod 97.
    public static func rfReference(_ raw: String) -> Bool {
        let s = normalizedIBAN(raw)
        guard s.hasPrefix("RF"), s.count >= 5, s.count <= 25 else { return false }
        return mod97(String(s.dropFirst(4)) + String(s.prefix(4)))
    }

    /// Modulus 10 (Luhn): from the right, the check digit's neighbour is doubled, every second digit after it; the
    /// digits of the products and the rest add up to a multiple of 10. Danish FIK/giro payment ids and KID mod 10.
    public static func mod10(_ s: String) -> Bool {
        guard let d = digits(s), d.count >= 2 else { return false }
        var sum = 0
        for (i, digit) in d.reversed().enumerated() {
            let v = i % 2 == 1 ? digit * 2 : digit
            sum += v > 9 ? v - 9 : v
        }
        return sum % 10 == 0
    }

    /// Modulus 11 with weights 2, 3, 4, 5, 6, 7 repeating from the right of the payload: check = 11 − sum mod 11;
    /// 11 gives 0, and 10 gives `-` (KID) or makes the number invalid (accounts: `dashAllowed` false).
    public static func mod11(_ s: String, dashAllowed: Bool) -> Bool {
        guard s.count >= 2 else { return false }
        guard let payload = digits(String(s.dropLast())) else { return false }
        var sum = 0
        for (i, digit) in payload.reversed().enumerated() { sum += digit * (2 + i % 6) }
        let check = 11 - sum % 11
        let last = s.last!
        switch check {
        case 11: return last == "0"
        case 10: return dashAllowed && last == "-"
        default: return last == Character(String(check))
        }
    }

    /// A Norwegian KID: 2–25 digits (the last may be `-` under mod 11), valid under modulus 10 or modulus 11.
    public static func kid(_ s: String) -> Bool {
        guard (2...25).contains(s.count) else { return false }
        return mod10(s) || mod11(s, dashAllowed: true)
    }

    /// A Norwegian account number: 11 digits, the last a modulus-11 check digit (weights 5,4,3,2,7,6,5,4,3,2).
    public static func norwegianAccount(_ s: String) -> Bool {
        guard s.count == 11, digits(s) != nil else { return false }
        return mod11(s, dashAllowed: false)
    }
}
