import Foundation

/// Check digits and shapes of the identifiers Danish and Norwegian invoices carry.
public enum Identifiers {
    /// GS1 GLN/EAN-13 (also GTIN-8/12/14): the last digit is the mod-10 check digit with weights 3,1 from the right.
    public static func isValidGLN(_ raw: String) -> Bool {
        let s = raw.trimmingWhitespace(includingNewlines: false)
        guard [8, 12, 13, 14].contains(s.count), let digits = digits(s) else { return false }
        var sum = 0
        for (i, d) in digits.dropLast().reversed().enumerated() { sum += d * (i % 2 == 0 ? 3 : 1) }
        return (10 - sum % 10) % 10 == digits.last!
    }

    /// Any GS1 key with a check digit: GTIN-8/12/13/14, GLN, GSIN (17), SSCC and GSRN (18 digits, e.g. a metering
    /// point); `length` asks for exactly that many digits.
    public static func isValidGS1(_ raw: String, length: Int? = nil) -> Bool {
        let s = raw.trimmingWhitespace(includingNewlines: false)
        guard (8...18).contains(s.count), length.map({ $0 == s.count }) ?? true, let digits = digits(s) else { return false }
        var sum = 0
        for (i, d) in digits.dropLast().reversed().enumerated() { sum += d * (i % 2 == 0 ? 3 : 1) }
        return (10 - sum % 10) % 10 == digits.last!
    }

    /// Danish CVR: 8 digits, modulus 11 with weights 2,7,6,5,4,3,2,1. Accepts a `DK` prefix and spaces.
    public static func isValidCVR(_ raw: String) -> Bool {
        let s = stripCountry(raw, "DK")
        guard s.count == 8, let d = digits(s), d[0] != 0 else { return false }
        let w = [2, 7, 6, 5, 4, 3, 2, 1]
        return zip(d, w).map(*).reduce(0, +) % 11 == 0
    }

    /// Norwegian organisation number: 9 digits, modulus 11 with weights 3,2,7,6,5,4,3,2 (a `NO` prefix and `MVA` suffix are allowed).
    public static func isValidNorwegianOrgNumber(_ raw: String) -> Bool {
        var s = stripCountry(raw, "NO")
        if s.uppercased().hasSuffix("MVA") { s = String(s.dropLast(3)) }
        guard s.count == 9, let d = digits(s) else { return false }
        let w = [3, 2, 7, 6, 5, 4, 3, 2]
        let r = zip(d.prefix(8), w).map(*).reduce(0, +) % 11
        let check = r == 0 ? 0 : 11 - r
        return check != 10 && check == d[8]
    }

    /// Danish CPR: `DDMMYY-SSSS` or 10 digits, whose first six digits are a real date.
    /// The modulus-11 check was given up in 2007, so it is not required.
    public static func isValidCPR(_ raw: String) -> Bool { cprBirthDate(raw) != nil }

    /// The birth date a CPR number encodes (century from the 7th digit), or nil when it is no CPR.
    public static func cprBirthDate(_ raw: String) -> LocalDate? {
        var s = raw.trimmingWhitespace(includingNewlines: false)
        if s.count == 11, s[s.index(s.startIndex, offsetBy: 6)] == "-" { s.remove(at: s.index(s.startIndex, offsetBy: 6)) }
        guard s.count == 10, let d = digits(s) else { return nil }
        let day = d[0] * 10 + d[1], month = d[2] * 10 + d[3], yy = d[4] * 10 + d[5], c = d[6]
        let century: Int
        switch c {
        case 0...3: century = 1900
        case 4, 9: century = yy <= 36 ? 2000 : 1900
        case 5...8: century = yy <= 57 ? 2000 : 1800
        default: return nil
        }
        return LocalDate(year: century + yy, month: month, day: day)
    }

    /// A party identifier reduced to the organisation number it names, so that one supplier has one key however its
    /// invoices write it: no spaces; no scheme code (`0184:12345666`, a PEPPOL endpoint); no `CVR`/`CVR-nr.`/`org.nr.`
    /// label; no `DK`/`NO`/`SE` prefix (`DK-12345666` too); no `MVA` suffix; a Swedish VAT number (`SE` + the
    /// organisation number + `01`) as its organisation number, and dashes between digits dropped (`556732-1707`).
    /// The legal identifier, the VAT number and the endpoint of one Danish, Norwegian or Swedish company all give the
    /// same key — which the duplicate check, the payee accounts and the plans compare by.
    public static func normalizedPartyKey(_ raw: String) -> String {
        if raw.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII (almost every identifier): drop whitespace and upper-case byte by byte, then take the rest off by the
            // bytes too (`asciiPartyKey`), as `generalPartyKey` takes it off the characters.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(raw.utf8.count)
            for b in raw.utf8 where !(b == 0x20 || (b >= 0x09 && b <= 0x0D)) { bytes.append(b >= 0x61 && b <= 0x7A ? b - 0x20 : b) }
            return String(decoding: asciiPartyKey(bytes), as: UTF8.self)
        }
        return generalPartyKey(raw.precomposedStringWithCompatibilityMapping.filter { !$0.isWhitespace }.uppercased())
    }

    /// `generalPartyKey` on upper-case ASCII without whitespace, by the bytes: the same key, without a `String`
    /// operation by characters (a supplier's key is made for every invoice, its VAT number mostly `DK12345678`).
    static func asciiPartyKey(_ input: [UInt8]) -> ArraySlice<UInt8> {
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        var s = input[...]
        // Digits alone (a CVR, an organisation number, a GLN — almost every identifier): nothing to take off.
        if s.allSatisfy(isDigit) { return s }
        if let colon = s.firstIndex(of: 0x3A), colon - s.startIndex == 4, s[..<colon].allSatisfy(isDigit) { s = s[(colon + 1)...] }
        for label in partyKeyLabels where s.starts(with: label) {
            s = s.dropFirst(label.count)
            while let f = s.first, f == 0x3A || f == 0x2E || f == 0x2D { s = s.dropFirst() }
            break
        }
        var swedish = false
        for prefix in partyKeyCountries where s.starts(with: prefix) {
            var rest = s.dropFirst(2)
            if rest.first == 0x2D { rest = rest.dropFirst() }
            if let f = rest.first, isDigit(f) { s = rest; swedish = prefix == partyKeyCountries[2] }
            break
        }
        if s.count >= 3, s.suffix(3).elementsEqual("MVA".utf8) { s = s.dropLast(3) }
        if s.contains(where: { $0 == 0x2D || $0 == 0x2E }), s.allSatisfy({ isDigit($0) || $0 == 0x2D || $0 == 0x2E }), let f = s.first, isDigit(f) {
            s = ArraySlice(s.filter(isDigit))
        }
        if swedish, s.count == 12, s.suffix(2).elementsEqual("01".utf8), s.allSatisfy(isDigit) { s = s.dropLast(2) }
        return s
    }

    private static let partyKeyLabels = ["CVR-NR.", "CVR-NR", "CVRNR.", "CVRNR", "CVR", "ORG.NR.", "ORG.NR", "ORGNR.", "ORGNR"].map { Array($0.utf8) }
    private static let partyKeyCountries = ["DK", "NO", "SE"].map { Array($0.utf8) }

    /// The key of an identifier already without whitespace and upper-cased, by its characters (any script).
    static func generalPartyKey(_ upper: String) -> String {
        var s = upper
        // A scheme code before the identifier (`0184:`, `0007:`, `0192:`), as PEPPOL writes an endpoint.
        if let colon = s.firstIndex(of: ":"), s.distance(from: s.startIndex, to: colon) == 4, s[..<colon].allSatisfy(\.isASCII), s[..<colon].allSatisfy(\.isNumber) {
            s = String(s[s.index(after: colon)...])
        }
        // A label: `CVR 12345666`, `CVR-nr. 12345666`, `Org.nr. 987654321`.
        for label in ["CVR-NR.", "CVR-NR", "CVRNR.", "CVRNR", "CVR", "ORG.NR.", "ORG.NR", "ORGNR.", "ORGNR"] where s.hasPrefix(label) {
            s = String(s.dropFirst(label.count))
            while let f = s.first, f == ":" || f == "." || f == "-" { s.removeFirst() }
            break
        }
        var country: String?
        for prefix in ["DK", "NO", "SE"] where s.hasPrefix(prefix) {
            var rest = s.dropFirst(2)
            if rest.first == "-" { rest = rest.dropFirst() }
            if rest.first?.isNumber == true { s = String(rest); country = prefix }
            break
        }
        if s.hasSuffix("MVA") { s = String(s.dropLast(3)) }
        // Dashes and dots between digits (`556732-1707`, `12.34.56.66`): the digits alone.
        if s.contains(where: { $0 == "-" || $0 == "." }), s.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "-" || $0 == "." }), s.first?.isNumber == true {
            s = s.filter { $0.isNumber }
        }
        // A Swedish VAT number is SE, the 10-digit organisation number and 01.
        if country == "SE", s.count == 12, s.hasSuffix("01"), s.allSatisfy({ $0.isASCII && $0.isNumber }) { s = String(s.dropLast(2)) }
        return s
    }

    /// An invoice number reduced to what a supplier means by it, for the duplicate check: its letters and digits,
    /// upper-cased (`cr-4711`, `CR 4711` and `CR-4711` are one number). Nil when it has neither.
    public static func invoiceNumberKey(_ raw: String) -> String? {
        let key = compacted(raw)
        return key.isEmpty ? nil : key
    }

    /// `raw`'s letters and digits, upper-cased: how a number written with spaces, dashes or dots is compared.
    public static func compacted(_ raw: String) -> String {
        if raw.utf8.allSatisfy({ $0 < 0x80 }) {
            // By the bytes into one buffer, made a string once (a scalar appended to a `String` at a time cost ~100
            // instructions a byte: an invoice number's key is made for every invoice).
            var bytes: [UInt8] = []
            bytes.reserveCapacity(raw.utf8.count)
            for b in raw.utf8 {
                switch b {
                case 0x30...0x39, 0x41...0x5A: bytes.append(b)
                case 0x61...0x7A: bytes.append(b - 0x20)
                default: continue
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var out = ""
        out.reserveCapacity(raw.utf8.count)
        // Compared as a person reads it: compatibility forms folded first (full-width `ＣＲ－４７１１`, ligatures,
        // superscripts are `CR-4711`'s characters), and a decimal digit of any script is that digit.
        for c in raw.precomposedStringWithCompatibilityMapping {
            if c.isLetter {
                out += c.uppercased()
            } else if c.isNumber {
                if c.unicodeScalars.count == 1, c.unicodeScalars.first!.properties.numericType == .decimal, let d = c.wholeNumberValue {
                    out.unicodeScalars.append(Unicode.Scalar(UInt8(0x30 + d)))
                } else {
                    out += String(c)
                }
            }
        }
        return out
    }

    static func stripCountry(_ raw: String, _ cc: String) -> String {
        // Plain ASCII (nearly every identifier, on every invoice): by the bytes, without a copy per character.
        if raw.utf8.allSatisfy({ $0 < 0x80 }), cc.utf8.count == 2 {
            var bytes = raw.utf8.filter { $0 != 0x20 && !(0x09...0x0D).contains($0) }
            let c = Array(cc.utf8)
            if bytes.count >= 2, bytes[0] & 0xDF == c[0], bytes[1] & 0xDF == c[1] { bytes.removeFirst(2) }
            return String(decoding: bytes, as: UTF8.self)
        }
        var s = raw.filter { !$0.isWhitespace }
        if s.uppercased().hasPrefix(cc) { s = String(s.dropFirst(cc.count)) }
        return s
    }

    /// The digits of `s`, or nil when it holds anything else.
    public static func digits(_ s: String) -> [Int]? {
        var out: [Int] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            guard b >= 48, b <= 57 else { return nil }
            out.append(Int(b - 48))
        }
        return out
    }
}

import Foundation
