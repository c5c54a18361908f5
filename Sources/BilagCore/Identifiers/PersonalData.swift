/// Keeps personal ids out of logs, metrics and screens: Danish CPR numbers and Norwegian fødselsnummer,
/// D-numbers and H-numbers, written together or in groups (`0101901234`, `010190-1234`, `010190 1234`,
/// `0101 90 1234`, `01019012345`, `010190 12345`).
///
/// Masking is field-aware where the text says what a number is: a value written after an organisation scheme
/// (`0096:1003388394`, `DK:P:…`; see `organisationSchemes`) is an organisation's identifier and stays as it is,
/// and `maskJSON` leaves organisation fields (`cvr`, `orgnr`, `ean`, an identifier whose `scheme` is an
/// organisation scheme) alone. Everything else — notes, references, file names, free text — is masked.
public enum PersonalData {
    /// ICD/EAS codes and OIOUBL scheme names of identifiers that name organisations or locations, never people. (Not
    /// 9901: PEPPOL's code for DK:CPR, a person.)
    public static let organisationSchemes: Set<String> = [
        "0002", "0007", "0009", "0037", "0060", "0088", "0096", "0097", "0106", "0130", "0135", "0142", "0151", "0183",
        "0184", "0188", "0190", "0191", "0192", "0193", "0195", "0196", "0198", "0199", "0200", "0201", "0204", "0208",
        "0209", "0210", "0211", "0212", "0213", "0215", "0216", "9902", "9904", "9906", "9907", "9908", "9909",
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
        // Fast path: fewer than ten digits hold no personal id (most log values: words, short numbers, amounts). A
        // character beyond ASCII may be a digit or a separator too (`０３０３８２－１００２`), and so may `%2D`.
        var digits = 0
        for b in text.utf8 where b &- 48 < 10 || b >= 0xC0 || b == 0x25 { digits += 1 }
        guard digits >= 10 else { return text }
        var copy = text
        // Claim ids, timestamps and amounts have digits but no personal id: found without building anything.
        let masked: [UInt8]? = copy.withUTF8 { b in
            guard nextID(b, from: 0, to: b.count) != nil || needsFolding(b, 0..<b.count) else { return nil }
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
        for b in text.utf8 where b &- 48 < 10 || b >= 0xC0 || b == 0x25 { digits += 1 }
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
        if needsFolding(b, range) {
            out.append(contentsOf: maskFolded(String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self)).utf8)
            return
        }
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

    // MARK: other ways of writing the digits and separators

    /// Whether `b[range]` writes a digit or a separator otherwise than in ASCII — full-width or another script's
    /// digits, an en dash, a no-break space, `%2D` — so that it is to be read folded (`maskFolded`). Letters such as
    /// æ, ø and å are not: text in Danish and Norwegian stays on the fast path.
    static func needsFolding(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var i = range.lowerBound
        while i < range.upperBound {
            let c = b[i]
            if c < 0x80 {
                if c == 0x25, i + 2 < range.upperBound, escapedSeparator(b[i + 1], b[i + 2]) != nil { return true }
                i += 1
                continue
            }
            let length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1
            guard length > 1, i + length <= range.upperBound else { i += 1; continue }
            var v = UInt32(c) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            for j in 1..<length { v = (v << 6) | (UInt32(b[i + j]) & 0x3F) }
            if let scalar = Unicode.Scalar(v), fold(scalar) != 0x3F { return true }
            i += length
        }
        return false
    }

    /// The separator `%XY` encodes (space, dash, dot, underscore, slash, tab), or nil.
    static func escapedSeparator(_ x: UInt8, _ y: UInt8) -> UInt8? {
        func hex(_ h: UInt8) -> UInt8? { h &- 48 < 10 ? h - 48 : (h | 0x20) &- 97 < 6 ? (h | 0x20) - 87 : nil }
        guard let a = hex(x), let b = hex(y) else { return nil }
        let byte = a << 4 | b
        return [0x20, 0x2D, 0x2E, 0x5F, 0x2F, 0x09].contains(byte) ? byte : nil
    }

    /// `text` with every personal id masked, read folded: any script's decimal digit counts as that digit, any dash
    /// (and the minus sign) as `-`, any space as a space, and `%20`, `%2D`, `%2E`, `%5F`, `%2F`, `%09` as what they
    /// encode. The digits after the date are masked as `X`; everything else is kept as written.
    static func maskFolded(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        // One ASCII byte per folded character, and the scalars each stands for.
        var folded: [UInt8] = []
        var origin: [Range<Int>] = []
        folded.reserveCapacity(scalars.count)
        origin.reserveCapacity(scalars.count)
        var k = 0
        while k < scalars.count {
            let c = scalars[k]
            if c == "%", k + 2 < scalars.count, scalars[k + 1].isASCII, scalars[k + 2].isASCII,
               let byte = escapedSeparator(UInt8(scalars[k + 1].value), UInt8(scalars[k + 2].value)) {
                folded.append(byte); origin.append(k..<(k + 3)); k += 3
                continue
            }
            folded.append(fold(c)); origin.append(k..<(k + 1)); k += 1
        }
        var ids: [Range<Int>] = []
        folded.withUnsafeBufferPointer { b in
            var i = 0
            while let id = nextID(b, from: i, to: b.count) { ids.append(id); i = id.upperBound }
        }
        guard !ids.isEmpty else { return text }
        var out = String.UnicodeScalarView()
        var next = 0   // the next folded character not yet written
        for id in ids {
            for p in next..<id.lowerBound { out.append(contentsOf: scalars[origin[p]]) }
            var seen = 0
            for p in id {
                let isDigit = folded[p] &- 48 < 10
                if isDigit { seen += 1 }
                if isDigit && seen > 6 { out.append("X") } else { out.append(contentsOf: scalars[origin[p]]) }
                if id.count == 10 && seen == 6 && isDigit { out.append("-") }
            }
            next = id.upperBound
        }
        for p in next..<folded.count { out.append(contentsOf: scalars[origin[p]]) }
        return String(out)
    }

    /// One scalar as the scanner reads it: ASCII as it is, a decimal digit as its digit, a dash as `-`, a space as a
    /// space, anything else as `?` (neither a digit nor a separator).
    static func fold(_ c: Unicode.Scalar) -> UInt8 {
        if c.isASCII { return UInt8(c.value) }
        let p = c.properties
        if p.numericType == .decimal, let v = p.numericValue, v >= 0, v <= 9 { return 48 + UInt8(v) }
        if p.generalCategory == .dashPunctuation || c == "\u{2212}" { return 0x2D }
        if p.generalCategory == .spaceSeparator { return 0x20 }
        return 0x3F
    }

    /// Where the next personal id in `b[from..<to]` is: ten or eleven digits written together or in groups (10,
    /// 11, 6+4, 6+5 or 4+2+4 digits, one space, tab, dash, slash or underscore between groups; or day, month and year apart,
    /// 2+2+2+4 or 2+2+2+5, where a dot may part them too: `01.01.90-1234`) that form a CPR number or a
    /// fødselsnummer, not written after an organisation scheme. Allocates nothing unless the shape fits.
    static func nextID(_ b: UnsafeBufferPointer<UInt8>, from: Int, to n: Int) -> Range<Int>? {
        @inline(__always) func isDigit(_ j: Int) -> Bool { j >= 0 && j < n && b[j] &- 48 < 10 }
        @inline(__always) func isSeparator(_ j: Int) -> Bool { j >= 0 && j < n && (b[j] == 0x20 || b[j] == 0x2D || b[j] == 0x5F || b[j] == 0x2E || b[j] == 0x2F || b[j] == 0x09) }
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
            if end > 0, !followsOrganisationScheme(b, at: i), !insideHexToken(b, i, end, n) {
                var ds: [Int] = []
                ds.reserveCapacity(11)
                for p in i..<end where b[p] &- 48 < 10 { ds.append(Int(b[p] &- 48)) }
                if (ds.count == 10 && isCPR(ds)) || (ds.count == 11 && isFodselsnummer(ds)) { return i..<end }
            }
            i = ends.0
        }
        return nil
    }

    /// Whether `b[from..<to]` lies inside a long lowercase hexadecimal token with a letter in it — a SHA-256, an
    /// idempotency key — whose digits may happen to read as a CPR number (about one key in twenty), though no person's
    /// number was ever written there. Short tokens are not exempt: `abc0101701234` is masked.
    @inline(__always) static func insideHexToken(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ n: Int) -> Bool {
        @inline(__always) func isHex(_ c: UInt8) -> Bool { c &- 48 < 10 || c &- 97 < 6 }
        var start = from, end = to
        while start > 0, isHex(b[start - 1]) { start -= 1 }
        while end < n, isHex(b[end]) { end += 1 }
        guard end - start >= 24 else { return false }
        for j in start..<end where b[j] &- 97 < 6 { return true }
        return false
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
