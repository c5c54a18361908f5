import BilagCore
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A rule the official OIOUBL Schematron states on the document as written (`ValidationContext.written`), read the
/// way its XPath 1.0 reads it. For an invoice built in code (nothing written) it does not apply.
///
/// `on` says which root the rule is stated for: the OIOUBL Schematron has one stylesheet for `Invoice` (ids
/// `F-INV*`) and one for `CreditNote` (`F-CRN*`); `F-LIB*` rules are in both.
final class WrittenRule: Rule, @unchecked Sendable {
    enum Root { case invoice, creditNote, both }
    let id: String
    let severity: Severity
    let profiles: Set<Profile>
    let message: String
    let root: Root
    /// Appends the location of each place the rule is broken.
    let body: (WrittenElement, inout [String]) -> Void

    init(_ id: String, _ root: Root, severity: Severity = .fatal, _ message: String,
         _ body: @escaping (WrittenElement, inout [String]) -> Void) {
        self.id = id; self.root = root; self.severity = severity; self.message = message; self.body = body
        profiles = Profiles.oioubl
    }

    /// A rule stated in both stylesheets under the same id (`F-LIB*`).
    convenience init(_ id: String, severity: Severity = .fatal, _ message: String, _ body: @escaping (WrittenElement, inout [String]) -> Void) {
        self.init(id, .both, severity: severity, message, body)
    }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        guard let doc = c.writtenRoot else { return }
        switch root {
        case .invoice: guard doc.is("Invoice") else { return }
        case .creditNote: guard doc.is("CreditNote") else { return }
        case .both: break
        }
        var at: [String] = []
        body(doc, &at)
        for l in at { issues.add(self, message, at: l) }
    }

    /// A rule stated for both roots under two ids: `invoiceID` on an `Invoice`, `creditNoteID` on a `CreditNote`.
    static func pair(_ invoiceID: String, _ creditNoteID: String, _ message: String,
                     _ body: @escaping (WrittenElement, inout [String]) -> Void) -> [any Rule] {
        [WrittenRule(invoiceID, .invoice, message, body), WrittenRule(creditNoteID, .creditNote, message, body)]
    }
}

/// XPath 1.0 as the OIOUBL Schematron uses it, on `WrittenElement`s.
extension WrittenElement {
    /// The line elements' name: `InvoiceLine` under an `Invoice`, `CreditNoteLine` under a `CreditNote`.
    var lineName: StaticString { self.is("CreditNote") ? "CreditNoteLine" : "InvoiceLine" }
    var lines: [WrittenElement] { OIOUBLPlaces.of(self).lines }

    /// `cbc:x = 'v'`: some child `x` has the string value `v`.
    func eq(_ local: StaticString, _ v: String) -> Bool { anyChild(local) { $0.textEquals(v) } }
    /// `cbc:x != 'v'`: some child `x` has another string value (false when there is none).
    func ne(_ local: StaticString, _ v: String) -> Bool { anyChild(local) { !$0.textEquals(v) } }
    /// `cbc:x/@a = 'v'` (bytes compared, no string built).
    func attributeEq(_ local: StaticString, _ attribute: StaticString, _ v: String) -> Bool {
        anyChild(local) { e in e.attributeBytes(attribute).map { XPath.same($0, v) } ?? false }
    }
    /// `normalize-space(cbc:x)`.
    func normalized(_ local: StaticString) -> String { XPath.normalizeSpace(string(local)) }
    /// `normalize-space(cbc:x) = ''`: no child `x`, or the first one's text is only whitespace (no string built).
    func isBlank(_ local: StaticString) -> Bool {
        guard let e = child(local) else { return true }
        return XPath.blank(e.textBytes)
    }
    /// `cbc:x` exists.
    @inline(__always) func has(_ local: StaticString) -> Bool { child(local) != nil }
    /// `string-length(cbc:x)`, in characters.
    func length(_ local: StaticString) -> Int {
        guard let e = child(local) else { return 0 }
        return XPath.characters(e.textBytes) ?? e.text.count
    }

    /// Calls `body` with each child named `local`, building no array.
    @inline(__always)
    func forEach(_ local: StaticString, _ body: (WrittenElement) -> Void) {
        _ = anyChild(local) { body($0); return false }
    }

    /// Calls `body` with each element the relative path selects (`a/b/c`), in document order, building no array.
    func forEach(_ path: [StaticString], _ body: (WrittenElement) -> Void) {
        path.withUnsafeBufferPointer { walk($0[...], body) }
    }

    private func walk(_ path: Slice<UnsafeBufferPointer<StaticString>>, _ body: (WrittenElement) -> Void) {
        guard let step = path.first else { body(self); return }
        let rest = path.dropFirst()
        forEach(step) { $0.walk(rest, body) }
    }

    /// Whether some element the relative path selects satisfies `predicate` (stops at the first).
    func contains(_ path: [StaticString], where predicate: (WrittenElement) -> Bool) -> Bool {
        path.withUnsafeBufferPointer { find($0[...], predicate) }
    }

    private func find(_ path: Slice<UnsafeBufferPointer<StaticString>>, _ predicate: (WrittenElement) -> Bool) -> Bool {
        guard let step = path.first else { return predicate(self) }
        let rest = path.dropFirst()
        return anyChild(step) { $0.find(rest, predicate) }
    }

    /// Whether the relative path selects anything.
    func exists(_ path: [StaticString]) -> Bool { contains(path) { _ in true } }

    /// Where this element is, for a finding: its name.
    var place: String { name }
}

enum XPath {
    /// `normalize-space(s)`.
    static func normalizeSpace(_ s: String) -> String { s.xpathNormalizedSpace }

    /// `number(s)`: optional whitespace, an optional sign, digits with an optional point; nil for NaN. Saxon runs the
    /// XSLT 1.0 stylesheets with XPath 2.0's `number()` (an `xs:double` cast), which takes a leading `+` too.
    /// XPath numbers are IEEE doubles: the rules that compute with them (line amount = quantity × price) compute so.
    static func number(_ s: String) -> Double? {
        // The usual form, `[-]digits[.digits]` with at most 15 digits: the quotient of two doubles that hold the
        // digits and the power of ten exactly is the correctly rounded value, as Double(String) gives it.
        var s = s
        if let p = s.withUTF8({ plainDecimal($0) }), p.digits <= 15 {
            let v = Double(p.mantissa) / powersOfTen[p.fraction]
            return p.negative ? -v : v
        }
        let t = s.trimmingXMLSpace()
        var b = Substring(t).utf8[...]
        guard !b.isEmpty else { return nil }
        var negative = false
        if b.first == 0x2D { negative = true; b = b.dropFirst() } else if b.first == 0x2B { b = b.dropFirst() }
        var digits = 0, points = 0
        var mantissa = b
        // Saxon runs the XSLT 1.0 stylesheet with XPath 2.0's `number()`: an exponent (`1E2`) is a number.
        if let e = b.firstIndex(where: { $0 == 0x45 || $0 == 0x65 }) {
            var exponent = b[b.index(after: e)...]
            if exponent.first == 0x2D || exponent.first == 0x2B { exponent = exponent.dropFirst() }
            guard !exponent.isEmpty, exponent.allSatisfy({ $0 &- 48 <= 9 }) else { return nil }
            mantissa = b[..<e]
        }
        for c in mantissa {
            if c == 0x2E { points += 1; if points > 1 { return nil } } else if c &- 48 <= 9 { digits += 1 } else { return nil }
        }
        guard digits > 0, let v = Double(String(Substring(b))) else { return nil }
        return negative ? -v : v
    }

    /// `String(bytes) == v` as Swift compares strings (canonical equivalence), without building the string when
    /// both are ASCII: then equal bytes are the only way to be equal.
    @inline(__always)
    static func same(_ bytes: UnsafeBufferPointer<UInt8>, _ v: String) -> Bool {
        var v = v
        return v.withUTF8 { u in same(bytes, u) }
    }

    /// `String(a) == String(b)`, comparing bytes while both are ASCII.
    @inline(__always)
    static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        if a.count == b.count, a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 { return true }
        if ascii(a) && ascii(b) { return false }
        return String(decoding: a, as: UTF8.self) == String(decoding: b, as: UTF8.self)
    }

    @inline(__always)
    static func ascii(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in bytes where c >= 0x80 { return false }
        return true
    }

    /// Whether `bytes` are only XML whitespace (`normalize-space` of them is empty).
    @inline(__always)
    static func blank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in bytes where !(c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D) { return false }
        return true
    }

    /// `String.count` of `bytes` without building the string when they are ASCII without a carriage return (one
    /// character a byte); nil otherwise (the caller counts the string).
    @inline(__always)
    static func characters(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        for c in bytes where c >= 0x80 || c == 0x0D { return nil }
        return bytes.count
    }

    static let powersOfTen: [Double] = (0...18).map { p in (0..<p).reduce(1.0) { r, _ in r * 10 } }

    /// Text of the form `[-]digits[.digits]` (XML whitespace around, a point only between digits, at most 18
    /// digits): its sign, digits as an integer, digit count and decimals. nil for every other form (a `+`, an
    /// exponent, `.5`, `5.`, letters, more digits), which the callers read the general way.
    @inline(__always)
    static func plainDecimal(_ b: UnsafeBufferPointer<UInt8>) -> (negative: Bool, mantissa: UInt64, digits: Int, fraction: Int)? {
        func space(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        var i = 0, n = b.count
        while i < n, space(b[i]) { i += 1 }
        while n > i, space(b[n - 1]) { n -= 1 }
        guard i < n else { return nil }
        var negative = false
        if b[i] == 0x2D { negative = true; i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0, whole = 0, fraction = 0, point = false
        while i < n {
            let c = b[i]
            if c == 0x2E {
                if point { return nil }
                point = true
            } else if c &- 48 <= 9 {
                digits += 1
                guard digits <= 18 else { return nil }
                mantissa = mantissa &* 10 &+ UInt64(c &- 48)
                if point { fraction += 1 } else { whole += 1 }
            } else {
                return nil
            }
            i += 1
        }
        guard whole > 0, !point || fraction > 0 else { return nil }
        return (negative, mantissa, digits, fraction)
    }

    /// `number(s)` of text as written.
    static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        if let p = plainDecimal(bytes), p.digits <= 15 {
            let v = Double(p.mantissa) / powersOfTen[p.fraction]
            return p.negative ? -v : v
        }
        return number(String(decoding: bytes, as: UTF8.self))
    }

    /// `starts-with(normalize-space(s), '-')`: the first byte that is no XML whitespace is a minus.
    @inline(__always)
    static func leadingMinus(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in bytes where !(c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D) { return c == 0x2D }
        return false
    }

    /// `starts-with(s, '-')` of text as written.
    @inline(__always)
    static func negative(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool { bytes.first == 0x2D }

    /// `string-length(substring-after(s, '.'))` of text as written (the string is built only when it is not plain ASCII).
    static func decimals(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard characters(bytes) != nil else { return decimals(String(decoding: bytes, as: UTF8.self)) }
        guard let dot = bytes.firstIndex(of: 0x2E) else { return 0 }
        return bytes.count - dot - 1
    }

    /// `starts-with(s, '-')`.
    static func negative(_ s: String) -> Bool { s.utf8.first == 0x2D }

    /// `string-length(substring-after(s, '.'))`.
    static func decimals(_ s: String) -> Int {
        guard let dot = s.firstIndex(of: ".") else { return 0 }
        return s[s.index(after: dot)...].count
    }
}

extension String {
    func trimmingXMLSpace() -> String {
        let u = utf8
        var start = u.startIndex, end = u.endIndex
        func space(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        while start < end, space(u[start]) { start = u.index(after: start) }
        while end > start, space(u[u.index(before: end)]) { end = u.index(before: end) }
        return String(self[start..<end])
    }
}
