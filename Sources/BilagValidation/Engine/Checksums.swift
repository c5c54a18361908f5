/// The check-digit functions of the PEPPOL Schematron (`u:gln`, `u:mod11`, `u:mod97-0208`, `u:checkSEOrgnr`,
/// `u:abn`, `u:checkCF`, `u:checkPIVAseIT`, `u:checkCodiceIPA`), byte for byte on ASCII digits. No allocation
/// beyond the digit array, no regular expressions.
enum Checksums {
    /// `matches(., '^[0-9]+$') and u:gln(.)`: GS1 mod-10 over any number of digits (weights 3,1,… from the right).
    static func gln(_ s: String) -> Bool {
        let u = s.utf8
        guard let last = u.last, last >= 48, last <= 57 else { return false }
        var sum = 0
        var n = 0
        // weights 3,1,3,… from the digit before the check digit, leftwards: 3 when the distance from the end is odd
        let count = u.count
        for b in u {
            guard b >= 48, b <= 57 else { return false }
            n += 1
            if n == count { break }
            let fromEnd = count - n // 1 for the digit just before the check digit
            sum += Int(b - 48) * (fromEnd % 2 == 1 ? 3 : 1)
        }
        return (10 - sum % 10) % 10 == Int(last) - 48
    }

    /// `u:mod11` (Norwegian organisation number): weights 2…7 repeating from the right, value > 0.
    static func mod11(_ s: String) -> Bool {
        guard let d = Text.digits(s), d.count >= 2, d.contains(where: { $0 != 0 }) else { return false }
        var sum = 0
        var i = 0
        for j in stride(from: d.count - 2, through: 0, by: -1) {
            sum += d[j] * (i % 6 + 2)
            i += 1
        }
        return (11 - sum % 11) % 11 == d[d.count - 1]
    }

    /// `^[0-9]{10}$ and u:mod97-0208` (Belgian enterprise number): 97 − (first 8 digits mod 97) = last 2 digits.
    static func belgianEnterpriseNumber(_ s: String) -> Bool {
        guard s.utf8.count == 10, let d = Text.digits(s) else { return false }
        var first8 = 0
        for i in 0..<8 { first8 = first8 * 10 + d[i] }
        return 97 - first8 % 97 == d[8] * 10 + d[9]
    }

    /// `string-length = 10 and numeric and u:checkSEOrgnr` (Swedish organisation number): Luhn over 9 digits.
    static func swedishOrgNumber(_ s: String) -> Bool {
        guard s.utf8.count == 10, let d = Text.digits(s) else { return false }
        var sum = 0
        for pos in 1...9 {
            let digit = d[9 - pos]
            if pos % 2 == 1 { let x = digit * 2; sum += x % 10 + x / 10 } else { sum += digit }
        }
        return (10 - sum % 10) % 10 == d[9]
    }

    /// `^[0-9]{11}$ and u:abn` (Australian Business Number): weighted sum mod 89 (first digit less one).
    static func abn(_ s: String) -> Bool {
        guard s.utf8.count == 11, let d = Text.digits(s) else { return false }
        let w = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19]
        var sum = (d[0] - 1) * w[0]
        for i in 1..<11 { sum += d[i] * w[i] }
        return sum % 89 == 0
    }

    /// `u:checkCodiceIPA`: six ASCII letters or digits.
    static func codiceIPA(_ s: String) -> Bool {
        s.utf8.count == 6 && s.utf8.allSatisfy(isAlnum)
    }

    /// `u:checkCF` (Italian codice fiscale): 16 characters of the personal pattern, or 11 digits.
    static func codiceFiscale(_ s: String) -> Bool {
        let u = Array(s.utf8)
        if u.count == 11 { return Text.digits(s) != nil }
        guard u.count == 16 else { return false }
        func letters(_ r: Range<Int>) -> Bool { r.allSatisfy { isLetter(u[$0]) } }
        func digits(_ r: Range<Int>) -> Bool { r.allSatisfy { u[$0] >= 48 && u[$0] <= 57 } }
        return letters(0..<6) && digits(6..<8) && letters(8..<9) && digits(9..<11) && digits(14..<15) && letters(15..<16)
    }

    /// `u:checkPIVAseIT`: an `IT` prefix is followed by 11 digits whose Luhn-like sum is a multiple of 10; anything
    /// without the prefix passes.
    static func partitaIVA(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count >= 2, (u[0] == 73 && u[1] == 84) || (u[0] == 105 && u[1] == 116) else { return true } // "IT" / "it"
        let code = u.dropFirst(2)
        guard code.count == 11, code.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
        let doubled = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9]
        var sum = 0
        for (i, b) in code.enumerated() {
            let d = Int(b - 48)
            sum += i % 2 == 1 ? doubled[d] : d
        }
        return sum % 10 == 0
    }

    /// Danish CVR modulus 11 (weights 2,7,6,5,4,3,2,1) over 8 digits, after an optional `DK` and ignoring spaces;
    /// the same check as `Identifiers.isValidCVR`, on bytes.
    static func cvr(_ raw: String) -> Bool {
        var u = Substring(raw).utf8
        if u.count >= 2, let f = u.first, f == 68 || f == 100, let s = u.dropFirst().first, s == 75 || s == 107 { u = u.dropFirst(2) }
        let w = [2, 7, 6, 5, 4, 3, 2, 1]
        var n = 0, sum = 0
        for b in u where b != 0x20 {
            guard b >= 48, b <= 57, n < 8 else { return false }
            if n == 0 && b == 48 { return false }
            sum += Int(b - 48) * w[n]
            n += 1
        }
        return n == 8 && sum % 11 == 0
    }

    @inline(__always) static func isLetter(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isLetter(b) || (b >= 48 && b <= 57) }
}
