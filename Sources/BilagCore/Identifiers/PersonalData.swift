/// Keeps personal ids out of logs, metrics and screens: Danish CPR numbers and Norwegian fødselsnummer,
/// D-numbers and H-numbers, written together or in groups (`0101901234`, `010190-1234`, `010190 1234`,
/// `0101 90 1234`, `01019012345`, `010190 12345`).
///
/// Masking is field-aware where the text says what a number is: a value written after an organisation scheme
/// (`0096:1003388394`, `DK:P:…`; see `organisationSchemes`) is an organisation's identifier and stays as it is,
/// and `maskJSON` leaves organisation fields (`cvr`, `orgnr`, `ean`, an identifier whose `scheme` is an
/// organisation scheme) alone. Everything else — notes, references, file names, free text — is masked.
public enum PersonalData {
    /// ICD/EAS codes and OIOUBL scheme names of identifiers that name organisations or locations, never people.
    public static let organisationSchemes: Set<String> = [
        "0002", "0007", "0009", "0037", "0060", "0088", "0096", "0097", "0106", "0130", "0135", "0142", "0151", "0183",
        "0184", "0188", "0190", "0191", "0192", "0193", "0195", "0196", "0198", "0199", "0200", "0201", "0204", "0208",
        "0209", "0210", "0211", "0212", "0213", "0215", "0216", "9901", "9902", "9904", "9906", "9907", "9908", "9909",
        "9910", "9913", "9914", "9915", "9918", "9919", "9920", "9922", "9923", "9924", "9925", "9926", "9927", "9928",
        "9929", "9930", "9931", "9932", "9933", "9934", "9935", "9936", "9937", "9938", "9939", "9940", "9941", "9942",
        "9943", "9944", "9945", "9946", "9947", "9948", "9949", "9950", "9951", "9952", "9953", "9955", "9957",
        "DK:CVR", "DK:P", "DK:SE", "DK:EAN", "GLN", "NO:ORGNR", "NO:ORG", "ORGNR", "CVR", "EAN",
    ]

    /// JSON keys whose text values are organisation identifiers or hashes, never personal ids (matched at the end
    /// of the key, so `seller_cvr`, `receiver_ean`, `robot_hash` count too).
    static let organisationKeySuffixes = ["cvr", "orgnr", "organisation_number", "ean", "gln", "sha256", "hash"]

    /// Masks every personal id in `text`: a CPR number becomes `DDMMYY-XXXX`, a fødselsnummer `DDMMYYXXXXX` (the
    /// digits after the date replaced, separators kept). Used on every log line, audit detail and CLI output.
    public static func mask(_ text: String) -> String {
        // Fast path: fewer than ten digits hold no personal id (most log values: words, short numbers, amounts).
        var digits = 0
        for b in text.utf8 where b &- 48 < 10 { digits += 1 }
        guard digits >= 10 else { return text }
        var copy = text
        // Claim ids, timestamps and amounts have digits but no personal id: found without building anything.
        let masked: [UInt8]? = copy.withUTF8 { b in
            guard nextID(b, from: 0, to: b.count) != nil else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(b.count + 4)
            appendMasked(b, 0..<b.count, into: &out)
            return out
        }
        return masked.map { String(decoding: $0, as: UTF8.self) } ?? text
    }

    /// The former name of `mask`, kept for callers: masks CPR numbers and fødselsnummer alike.
    public static func maskCPR(_ text: String) -> String { mask(text) }

    /// Masks personal ids in JSON text, field by field: values of organisation fields (see the type's comment) are
    /// kept, every other string value and the text between them are masked.
    public static func maskJSON(_ text: String) -> String {
        var digits = 0
        for b in text.utf8 where b &- 48 < 10 { digits += 1 }
        guard digits >= 10 else { return text }
        var copy = text
        let out: [UInt8] = copy.withUTF8 { b in
            var out: [UInt8] = []
            out.reserveCapacity(b.count)
            // Per open object: the last key seen and whether its `scheme` names an organisation scheme.
            var objects: [(key: String, organisation: Bool)] = []
            var segment = 0   // start of the text not yet copied
            var i = 0
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "{") { objects.append(("", false)) } else if c == UInt8(ascii: "}") { _ = objects.popLast() }
                guard c == UInt8(ascii: "\"") else { i += 1; continue }
                appendMasked(b, segment..<i, into: &out)
                var j = i + 1
                while j < b.count, b[j] != UInt8(ascii: "\"") { j += b[j] == UInt8(ascii: "\\") ? 2 : 1 }
                let end = min(j + 1, b.count)
                var k = end
                while k < b.count, b[k] == 0x20 || b[k] == 0x0A || b[k] == 0x09 || b[k] == 0x0D { k += 1 }
                let isKey = k < b.count && b[k] == UInt8(ascii: ":")
                let inner = String(decoding: UnsafeBufferPointer(rebasing: b[min(i + 1, end)..<max(i + 1, end - 1)]), as: UTF8.self)
                let context = objects.last ?? ("", false)
                var keep = true
                if isKey {
                    if !objects.isEmpty { objects[objects.count - 1].key = inner.lowercased() }
                } else if context.key == "scheme" || context.key == "scheme_id" || context.key == "schemeid" {
                    if organisationSchemes.contains(inner.uppercased()), !objects.isEmpty { objects[objects.count - 1].organisation = true }
                } else {
                    keep = organisationKeySuffixes.contains { context.key.hasSuffix($0) } || (context.organisation && (context.key == "value" || context.key == "id"))
                }
                if keep { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<end])) } else { appendMasked(b, i..<end, into: &out) }
                i = end
                segment = end
            }
            appendMasked(b, segment..<b.count, into: &out)
            return out
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: the scanner

    /// Appends `b[range]` to `out` with every personal id in it masked.
    static func appendMasked(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: inout [UInt8]) {
        var i = range.lowerBound
        while let id = nextID(b, from: i, to: range.upperBound) {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<id.lowerBound]))
            var seen = 0
            for p in id {
                let isDigit = b[p] &- 48 < 10
                if isDigit { seen += 1 }
                out.append(isDigit && seen > 6 ? UInt8(ascii: "X") : b[p])
                // A CPR number written as ten digits is shown with its dash, as CPR numbers are printed.
                if id.count == 10 && seen == 6 && isDigit { out.append(UInt8(ascii: "-")) }
            }
            i = id.upperBound
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<range.upperBound]))
    }

    /// Where the next personal id in `b[from..<to]` is: ten or eleven digits written together or in groups (10,
    /// 11, 6+4, 6+5 or 4+2+4 digits, one space, dash or underscore between groups; or day, month and year apart,
    /// 2+2+2+4 or 2+2+2+5, where a dot may part them too: `01.01.90-1234`) that form a CPR number or a
    /// fødselsnummer, not written after an organisation scheme. Allocates nothing unless the shape fits.
    static func nextID(_ b: UnsafeBufferPointer<UInt8>, from: Int, to n: Int) -> Range<Int>? {
        @inline(__always) func isDigit(_ j: Int) -> Bool { j >= 0 && j < n && b[j] &- 48 < 10 }
        @inline(__always) func isSeparator(_ j: Int) -> Bool { j >= 0 && j < n && (b[j] == 0x20 || b[j] == 0x2D || b[j] == 0x5F || b[j] == 0x2E) }
        @inline(__always) func runEnd(_ j: Int) -> Int { var e = j; while isDigit(e) { e += 1 }; return e }
        var i = from
        while i < n {
            guard isDigit(i), !isDigit(i - 1) else { i += 1; continue }
            // Up to four groups of digits, each after one separator; which shape they make decides.
            let first = runEnd(i)
            var ends = (first, 0, 0, 0), lengths = (first - i, 0, 0, 0), groups = 1
            var e = ends.0
            while groups < 4, isSeparator(e), isDigit(e + 1) {
                let s = e + 1
                e = runEnd(s)
                switch groups {
                case 1: ends.1 = e; lengths.1 = e - s
                case 2: ends.2 = e; lengths.2 = e - s
                default: ends.3 = e; lengths.3 = e - s
                }
                groups += 1
            }
            var end = -1
            // (Not part of a longer chain of groups, as a version or an address is: `12.12.12.12.1234`.)
            if groups == 4, lengths.0 == 2, lengths.1 == 2, lengths.2 == 2, lengths.3 == 4 || lengths.3 == 5,
               !(isSeparator(i - 1) && isDigit(i - 2)), !(isSeparator(ends.3) && isDigit(ends.3 + 1)) {
                end = ends.3
            } else if groups >= 3, lengths.0 == 4, lengths.1 == 2, lengths.2 == 4, !dotWithin(b, i, ends.2) {
                end = ends.2
            } else if groups >= 2, lengths.0 == 6, lengths.1 == 4 || lengths.1 == 5, !dotWithin(b, i, ends.1) {
                end = ends.1
            } else if lengths.0 == 10 || lengths.0 == 11 {
                end = ends.0
            }
            if end > 0, !followsOrganisationScheme(b, at: i) {
                var ds: [Int] = []
                ds.reserveCapacity(11)
                for p in i..<end where b[p] &- 48 < 10 { ds.append(Int(b[p] &- 48)) }
                if (ds.count == 10 && isCPR(ds)) || (ds.count == 11 && isFodselsnummer(ds)) { return i..<end }
            }
            i = ends.0
        }
        return nil
    }

    /// Whether a dot parts two groups in `b[from..<to]` (a dot parts only day, month and year).
    @inline(__always) static func dotWithin(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
        var j = from
        while j < to { if b[j] == 0x2E { return true }; j += 1 }
        return false
    }

    /// Whether the number at `i` is written after an organisation scheme, as in `0096:1003388394` or `DK:P:…`.
    static func followsOrganisationScheme(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        guard i > 1, b[i - 1] == UInt8(ascii: ":") else { return false }
        var s = i - 1
        while s > 0 {
            let c = b[s - 1]
            let alnum = (c &- 48 < 10) || (c | 0x20) &- 97 < 26 || c == UInt8(ascii: ":")
            if !alnum { break }
            s -= 1
        }
        let scheme = String(decoding: UnsafeBufferPointer(rebasing: b[s..<i - 1]), as: UTF8.self).uppercased()
        return organisationSchemes.contains(scheme) || organisationSchemes.contains(String(scheme.suffix(4)))
    }

    /// A CPR number: a real date in the first six digits, the century from the seventh.
    static func isCPR(_ d: [Int]) -> Bool {
        let day = d[0] * 10 + d[1], month = d[2] * 10 + d[3], yy = d[4] * 10 + d[5]
        let century: Int
        switch d[6] {
        case 0...3: century = 1900
        case 4, 9: century = yy <= 36 ? 2000 : 1900
        default: century = yy <= 57 ? 2000 : 1800
        }
        return isDate(year: century + yy, month: month, day: day)
    }

    /// A Norwegian fødselsnummer, D-number (40 added to the day) or H-number (40 added to the month): a date and
    /// two mod-11 check digits.
    static func isFodselsnummer(_ d: [Int]) -> Bool {
        var day = d[0] * 10 + d[1], month = d[2] * 10 + d[3]
        if day > 40 { day -= 40 }
        if month > 40 { month -= 40 }
        // The year's century is in the individual number; a 29 February is accepted in any year divisible by four.
        guard isDate(year: 2000 + d[4] * 10 + d[5], month: month, day: day) else { return false }
        let w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2], w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
        func check(_ weights: [Int]) -> Int? {
            var sum = 0
            for (k, w) in weights.enumerated() { sum += w * d[k] }
            let c = 11 - sum % 11
            return c == 11 ? 0 : (c == 10 ? nil : c)
        }
        guard let k1 = check(w1), k1 == d[9], let k2 = check(w2), k2 == d[10] else { return false }
        return true
    }

    static func isDate(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }
}
