import BilagCore

/// Reads typed values from elements and notes what could not be read, instead of failing the document.
struct FieldReader {
    var findings: [ParseFinding] = []

    mutating func amount(_ e: XMLElement?, _ path: @autoclosure () -> String) -> Amount? {
        guard let e else { return nil }
        guard let t = e.text, e.trimmedText != nil else {
            // An amount element without a number: the XML Schema (and the official rules, which stop on it) reject it.
            findings.append(ParseFinding(path: path(), message: ParseFinding.emptyAmount))
            return nil
        }
        if let a = Amount(parsing: t) { return a }
        if let a = Amount.exponentForm(t) {
            findings.append(ParseFinding(path: path(), message: "'\(t.prefix(40))'" + ParseFinding.exponent))
            return a
        }
        findings.append(ParseFinding(path: path(), message: "'\(t.prefix(40))'" + ParseFinding.notANumber))
        return nil
    }

    /// `compared`: a period's start or end date where the period has both (`ParseFinding.notADateCompared`).
    mutating func date(_ e: XMLElement?, _ path: @autoclosure () -> String, compared: Bool = false) -> LocalDate? {
        guard let e, let t = e.trimmedText else { return nil }
        if let d = Self.isoDate(t) ?? LocalDate(parsing: t) { return d }
        findings.append(ParseFinding(path: path(), message: "'\(t.prefix(40))'" + (compared ? ParseFinding.notADateCompared : ParseFinding.notADate)))
        return nil
    }

    mutating func bool(_ e: XMLElement?, _ path: @autoclosure () -> String) -> Bool? {
        guard let e else { return nil }
        guard let t = e.trimmedText else {
            // An empty boolean element: the official rules cast it (`cbc:ChargeIndicator = true()`) and stop.
            findings.append(ParseFinding(path: path(), message: "an empty element is not an xs:boolean (true, false, 1, 0)"))
            return nil
        }
        switch t {
        case "true", "1": return true
        case "false", "0": return false
        case "TRUE", "True":
            // Read as meant, but not an xs:boolean: the XML Schema rejects it (and the official rules stop on it).
            findings.append(ParseFinding(path: path(), message: "'\(t)' is not an xs:boolean (true, false, 1, 0)"))
            return true
        case "FALSE", "False":
            findings.append(ParseFinding(path: path(), message: "'\(t)' is not an xs:boolean (true, false, 1, 0)"))
            return false
        default:
            findings.append(ParseFinding(path: path(), message: "'\(t.prefix(40))' is not true or false"))
            return nil
        }
    }

    /// `YYYY-MM-DD` exactly (what nearly every invoice writes), read without Foundation; anything else goes to `LocalDate(parsing:)`,
    /// which gives the same date for this form.
    static func isoDate(_ t: String) -> LocalDate? {
        var t = t
        return t.withUTF8 { b -> LocalDate? in
            guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
            func num(_ from: Int, _ to: Int) -> Int? {
                var v = 0
                for i in from..<to { let d = b[i] &- 48; guard d <= 9 else { return nil }; v = v * 10 + Int(d) }
                return v
            }
            guard let y = num(0, 4), let m = num(5, 7), let d = num(8, 10) else { return nil }
            return LocalDate(year: y, month: m, day: d)
        }
    }

    func identifier(_ e: XMLElement?, schemeAttribute: StaticString = "schemeID") -> Identifier? {
        guard let e, let v = e.trimmedText else { return nil }
        // A scheme attribute written empty is kept as "" (the official rules find it in no scheme list: BR-CL-10,
        // BR-CL-11), not read as no scheme.
        return Identifier(v, scheme: e.attribute(schemeAttribute) ?? (e.rawAttribute(schemeAttribute) != nil ? "" : nil))
    }
}

extension Optional where Wrapped == String {
    /// nil stays nil; otherwise the string.
    var nonEmpty: String? { self.flatMap { $0.isEmpty ? nil : $0 } }
}
