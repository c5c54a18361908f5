import BilagCore

/// The OIOUBL payment-means rules (stated on each `cac:PaymentMeans`), payment terms and F-INV134, as the official
/// OIOUBL Schematron (release 1.12.2) states them: the code list (F-LIB100), FIK (93: payment id 71/73/75, the
/// instruction id, the creditor number), bank transfer (42: registration and account number), giro (50), IBAN
/// (31/58/59), NemKonto (97), direct debit (49) and card (48).
enum OIOUBLPaymentRules {
    /// A rule on each `cac:PaymentMeans`: broken where `broken` holds.
    static func each(_ id: String, _ message: String, _ broken: @escaping (PM) -> Bool) -> any Rule { each(id, .both, message, broken) }

    /// The same stated for one root only.
    static func each(_ id: String, _ root: WrittenRule.Root, _ message: String, _ broken: @escaping (PM) -> Bool) -> any Rule {
        WrittenRule(id, root, message) { doc, at in
            let f = OIOUBLPlaces.of(doc)
            for i in f.paymentMeans.indices where broken(PM(f.paymentMeans[i], codes: f.paymentMeansCodes[i])) { at.append("cac:PaymentMeans") }
        }
    }

    /// `(cbc:PaymentMeansCode = code) and element`: the element is not allowed with that code.
    static func forbids(_ id: String, _ code: String, _ element: StaticString) -> any Rule {
        let c = PaymentCode(rawValue: codes.firstIndex(of: code)!)!
        return each(id, "PaymentMeansCode = \(code), \(element) is not allowed") { $0.code(c) && $0.has(element) }
    }

    /// The OIOUBL payment means codes (F-LIB100), in the order of `PaymentCode`.
    static let codes = ["1", "10", "20", "31", "42", "48", "49", "50", "58", "59", "93", "97"]

    /// Which of `codes` some `cbc:PaymentMeansCode` of `pm` is written as, one bit each (`cbc:PaymentMeansCode = 'x'`).
    static func codeBits(_ pm: WrittenElement) -> UInt16 {
        var bits: UInt16 = 0
        pm.forEach("PaymentMeansCode") { c in
            for (i, code) in codes.enumerated() where c.textEquals(code) { bits |= 1 << UInt16(i) }
        }
        return bits
    }

    static let payeeID: [StaticString] = ["PayeeFinancialAccount", "ID"]
    static let payerID: [StaticString] = ["PayerFinancialAccount", "ID"]
    static func payeeAccountID(_ pm: PM) -> String { pm.child("PayeeFinancialAccount")?.string("ID") ?? "" }
    /// The first `account/FinancialInstitutionBranch/ID`, in document order.
    static func branchID(_ pm: PM, _ account: StaticString) -> WrittenElement? { first(pm, [account, "FinancialInstitutionBranch", "ID"]) }
    static func institutionID(_ pm: PM, _ account: StaticString) -> Bool {
        pm.exists([account, "FinancialInstitutionBranch", "FinancialInstitution", "ID"])
    }
    /// The first element `path` selects, in document order.
    static func first(_ pm: PM, _ path: [StaticString]) -> WrittenElement? {
        var found: WrittenElement?
        _ = pm.contains(path) { found = $0; return true }
        return found
    }
    /// `string-length(a/b/c)`: the first one's text, in characters.
    static func length(_ pm: PM, _ path: [StaticString]) -> Int {
        guard let e = first(pm, path) else { return 0 }
        return XPath.characters(e.textBytes) ?? e.text.count
    }
    static func notNumber(_ s: String) -> Bool { XPath.number(s) == nil }
    static let channelList = "urn:oioubl:codelist:paymentchannelcode-1.1"

    static let all: [any Rule] = [
        each("F-LIB100", "Invalid PaymentMeansCode. Must be a value from the codelist") { pm in pm.codes == 0 },
        // FIK (93)
        each("F-LIB152", "PaymentMeansCode = 93, PaymentID element is mandatory") { $0.code(.c93) && !$0.has("PaymentID") },
        each("F-LIB153", "PaymentMeansCode = 93, InstructionID is mandatory when PaymentID is 71 or 75") { pm in
            pm.code(.c93) && (pm.eq("PaymentID", "71") || pm.eq("PaymentID", "75")) && !pm.has("InstructionID")
        },
        each("F-LIB154", "PaymentMeansCode = 93, InstructionNote is allowed only when PaymentID is 73 or 75") { pm in
            pm.code(.c93) && pm.has("InstructionNote") && !(pm.eq("PaymentID", "73") || pm.eq("PaymentID", "75"))
        },
        each("F-LIB155", "PaymentMeansCode = 93, PaymentID must equal 71, 73 or 75") { pm in
            pm.code(.c93) && !(pm.eq("PaymentID", "71") || pm.eq("PaymentID", "73") || pm.eq("PaymentID", "75"))
        },
        each("F-LIB156", "PaymentMeansCode = 93 and PaymentID = 71, InstructionID must be 15 characters") { pm in
            pm.code(.c93) && pm.eq("PaymentID", "71") && pm.length("InstructionID") != 15
        },
        each("F-LIB157", "PaymentMeansCode = 93 and PaymentID = 75, InstructionID must be 16 characters") { pm in
            pm.code(.c93) && pm.eq("PaymentID", "75") && pm.length("InstructionID") != 16
        },
        each("F-LIB275", "PaymentMeansCode = 93 and PaymentID = 73, InstructionID is not allowed") { pm in
            pm.code(.c93) && pm.eq("PaymentID", "73") && pm.has("InstructionID")
        },
        each("F-LIB277", "PaymentMeansCode = 93, PaymentChannelCode must equal DK:FIK") { pm in
            pm.code(.c93) && pm.has("PaymentChannelCode") && pm.ne("PaymentChannelCode", "DK:FIK")
        },
        each("F-LIB278", "PaymentMeansCode = 93, PaymentChannelCode must have listID urn:oioubl:codelist:paymentchannelcode-1.1") { pm in
            pm.code(.c93) && pm.has("PaymentChannelCode") && !pm.attributeEq("PaymentChannelCode", "listID", channelList)
        },
        each("F-LIB305", "PaymentMeansCode = 93, AccountID must be 8 characters") { pm in
            pm.code(.c93) && length(pm, ["CreditAccount", "AccountID"]) != 8
        },
        each("F-LIB336", "PaymentMeansCode = 93 and PaymentID = 71 or 75, InstructionID must be a number") { pm in
            pm.code(.c93) && (pm.eq("PaymentID", "71") || pm.eq("PaymentID", "75")) && notNumber(pm.string("InstructionID"))
        },
        // Bank transfer (42)
        forbids("F-LIB119", "42", "InstructionNote"),
        forbids("F-LIB122", "42", "CreditAccount"),
        each("F-LIB123", "PaymentMeansCode = 42, PaymentChannelCode must have listID urn:oioubl:codelist:paymentchannelcode-1.1") { pm in
            pm.code(.c42) && !pm.attributeEq("PaymentChannelCode", "listID", channelList)
        },
        each("F-LIB124", "PaymentMeansCode = 42, PayerFinancialAccount/FinancialInstitutionBranch/ID is mandatory when the branch is given") { pm in
            pm.code(.c42) && pm.exists(["PayerFinancialAccount", "FinancialInstitutionBranch"]) && branchID(pm, "PayerFinancialAccount") == nil
        },
        each("F-LIB125", "PaymentMeansCode = 42, PayeeFinancialAccount class is mandatory") { $0.code(.c42) && !$0.has("PayeeFinancialAccount") },
        each("F-LIB126", "PaymentMeansCode = 42, Account ID element is mandatory") { $0.code(.c42) && !$0.exists(payeeID) },
        each("F-LIB127", "PaymentMeansCode = 42, FinancialInstitutionBranch/ID (Registreringsnummer) element is mandatory") { pm in
            pm.code(.c42) && branchID(pm, "PayeeFinancialAccount") == nil
        },
        each("F-LIB128", "PaymentMeansCode = 42, PaymentChannelCode must equal DK:BANK") { $0.code(.c42) && $0.ne("PaymentChannelCode", "DK:BANK") },
        each("F-LIB131", "PaymentMeansCode = 42, PayeeFinancialAccount/ID must be at most 10 characters") { pm in
            pm.code(.c42) && length(pm, payeeID) > 10
        },
        each("F-LIB132", "PaymentMeansCode = 42, FinancialInstitutionBranch/ID must be at most 4 characters") { pm in
            pm.code(.c42) && length(pm, ["PayeeFinancialAccount", "FinancialInstitutionBranch", "ID"]) > 4
        },
        each("F-LIB311", "FinancialInstitutionBranch/ID (Registreringsnummer) must contain a numerical value") { pm in
            // not(number(x)): NaN and 0 are false.
            pm.code(.c42) && (XPath.number(branchID(pm, "PayeeFinancialAccount")?.text ?? "") ?? 0) == 0
        },
        // IBAN (31, 58, 59)
        forbids("F-LIB103", "31", "InstructionNote"),
        each("F-LIB106", "PaymentMeansCode = 31, PaymentChannelCode must have listID urn:oioubl:codelist:paymentchannelcode-1.1") { pm in
            pm.code(.c31) && !pm.attributeEq("PaymentChannelCode", "listID", channelList)
        },
        each("F-LIB107", "PaymentMeansCode = 31, ID element is mandatory") { $0.code(.c31) && !$0.exists(payeeID) },
        each("F-LIB108", "PaymentMeansCode = 31 with IBAN, FinancialInstitutionBranch/ID is not allowed") { pm in
            pm.code(.c31) && pm.eq("PaymentChannelCode", "IBAN") && branchID(pm, "PayeeFinancialAccount") != nil
        },
        each("F-LIB109", "PaymentMeansCode = 31, PaymentChannelCode must be IBAN or ZZZ") { pm in
            pm.code(.c31) && !(pm.eq("PaymentChannelCode", "IBAN") || pm.eq("PaymentChannelCode", "ZZZ"))
        },
        each("F-LIB112", "PaymentMeansCode = 31, CreditAccount/AccountID must be at most 8 characters") { pm in
            pm.code(.c31) && length(pm, ["CreditAccount", "AccountID"]) > 8
        },
        each("F-LIB113", "PaymentMeansCode = 31, ID element is mandatory") { pm in
            pm.code(.c31) && pm.eq("PaymentChannelCode", "IBAN") && !institutionID(pm, "PayeeFinancialAccount")
        },
        each("F-LIB114", "PaymentMeansCode = 31, Account ID must be at most 34 characters") { pm in
            pm.code(.c31) && pm.eq("PaymentChannelCode", "IBAN") && length(pm, payeeID) > 34
        },
        each("F-LIB115", "PaymentMeansCode = 31, Account ID must must not be empty.") { pm in
            pm.code(.c31) && pm.eq("PaymentChannelCode", "IBAN") && length(pm, payeeID) < 1
        },
        each("F-LIB276", "PaymentMeansCode = 31 with ZZZ, FinancialInstitutionBranch/ID is mandatory") { pm in
            pm.code(.c31) && pm.eq("PaymentChannelCode", "ZZZ") && branchID(pm, "PayeeFinancialAccount") == nil
        },
        each("F-LIB377", "PaymentMeansCode = 58, PayeeFinancialAccount.ID must be used") { pm in
            pm.code(.c58) && (!pm.exists(payeeID) || XPath.normalizeSpace(payeeAccountID(pm)).isEmpty)
        },
        each("F-LIB379", "PaymentMeansCode = 58, when PaymentChannelCode is used it must be 'IBAN'.") { pm in
            pm.code(.c58) && pm.has("PaymentChannelCode") && !pm.eq("PaymentChannelCode", "IBAN")
        },
        each("F-LIB380", "PaymentMeansCode = 59, when PaymentChannelCode is used it must be 'IBAN'.") { pm in
            pm.code(.c59) && pm.has("PaymentChannelCode") && !pm.eq("PaymentChannelCode", "IBAN")
        },
        // Giro (50)
        forbids("F-LIB142", "50", "CreditAccount"),
        each("F-LIB143", "PaymentMeansCode = 50, PaymentChannelCode must have listID urn:oioubl:codelist:paymentchannelcode-1.1") { pm in
            pm.code(.c50) && pm.has("PaymentChannelCode") && !pm.attributeEq("PaymentChannelCode", "listID", channelList)
        },
        each("F-LIB144", "PaymentMeansCode = 50, PaymentID element is mandatory") { $0.code(.c50) && !$0.has("PaymentID") },
        each("F-LIB145", "PaymentMeansCode = 50 and PaymentID = 04 or 15, InstructionID is mandatory") { pm in
            pm.code(.c50) && (pm.eq("PaymentID", "04") || pm.eq("PaymentID", "15")) && !pm.has("InstructionID")
        },
        each("F-LIB146", "PaymentMeansCode = 50, PaymentChannelCode must equal DK:GIRO") { pm in
            pm.code(.c50) && pm.has("PaymentChannelCode") && pm.ne("PaymentChannelCode", "DK:GIRO")
        },
        each("F-LIB147", "PaymentMeansCode = 50, PaymentID must equal 01, 04 or 15") { pm in
            pm.code(.c50) && !(pm.eq("PaymentID", "01") || pm.eq("PaymentID", "04") || pm.eq("PaymentID", "15"))
        },
        each("F-LIB148", "PaymentMeansCode = 50, InstructionNote is allowed only when PaymentID is 01") { pm in
            pm.code(.c50) && pm.has("InstructionNote") && !pm.eq("PaymentID", "01")
        },
        each("F-LIB149", "PaymentMeansCode = 50, InstructionID must be at most 16 characters") { pm in
            pm.code(.c50) && pm.length("InstructionID") > 16
        },
        each("F-LIB312", "PaymentMeansCode = 50 and PaymentID = 04 or 15, InstructionID must be a number") { pm in
            pm.code(.c50) && (pm.eq("PaymentID", "04") || pm.eq("PaymentID", "15")) && notNumber(pm.string("InstructionID"))
        },
        each("F-LIB319", "PaymentMeansCode = 50, PayeeFinancialAccount class is mandatory") { $0.code(.c50) && !$0.has("PayeeFinancialAccount") },
        each("F-LIB320", "PaymentMeansCode = 50, PayeeFinancialAccount/ID is mandatory") { $0.code(.c50) && !$0.exists(payeeID) },
        each("F-LIB321", "PaymentMeansCode = 50 or PaymentChannelCode = DK:GIRO, PayeeFinancialAccount.ID must be a number of 7 or 8 digits") { pm in
            guard pm.code(.c50) || pm.eq("PaymentChannelCode", "DK:GIRO") else { return false }
            let id = payeeAccountID(pm)
            return id.count < 7 || id.count > 8 || notNumber(id)
        },
        // NemKonto (97)
        each("F-LIB158", "PaymentMeansCode = 97, PaymentChannelCode must equal DK:NEMKONTO") { pm in
            pm.code(.c97) && pm.has("PaymentChannelCode") && !pm.eq("PaymentChannelCode", "DK:NEMKONTO")
        },
    ]
    + [
        ("F-LIB159", "97", "InstructionID"),
        ("F-LIB160", "97", "InstructionNote"),
        ("F-LIB161", "97", "PaymentID"),
        ("F-LIB163", "97", "PayerFinancialAccount"),
        ("F-LIB164", "97", "PayeeFinancialAccount"),
        ("F-LIB165", "97", "CreditAccount"),
    ].map { forbids($0.0, $0.1, $0.2) }
    + [
        // Direct debit (49)
        each("F-LIB134", "PaymentMeansCode = 49, PaymentChannelCode and InstructionID are not allowed together") { pm in
            pm.code(.c49) && pm.has("PaymentChannelCode") && pm.has("InstructionID")
        },
        forbids("F-LIB135", "49", "InstructionNote"),
        forbids("F-LIB137", "49", "CreditAccount"),
        each("F-LIB289", "PaymentMeansCode = 49, PaymentChannelCode must be IBAN or DK:BANK") { pm in
            pm.code(.c49) && pm.has("PaymentChannelCode") && !(pm.eq("PaymentChannelCode", "IBAN") || pm.eq("PaymentChannelCode", "DK:BANK"))
        },
        // The payer's account for a direct debit (stated in the Invoice stylesheet only).
        each("F-LIB290", .invoice, "PaymentMeansCode = 49, For DK:BANK, Account ID must be 10 characters") { pm in
            pm.code(.c49) && pm.eq("PaymentChannelCode", "DK:BANK") && length(pm, payerID) != 10
        },
        each("F-LIB291", .invoice, "PaymentMeansCode = 49, For DK:BANK, FinancialInstitutionBranch/ID (Registreringsnummer) must be 4 numerical characters") { pm in
            pm.code(.c49) && pm.eq("PaymentChannelCode", "DK:BANK") && length(pm, ["PayerFinancialAccount", "FinancialInstitutionBranch", "ID"]) != 4
        },
        each("F-LIB292", .invoice, "PaymentMeansCode = 49, For IBAN, Account ID must be no more than 34 characters") { pm in
            pm.code(.c49) && pm.eq("PaymentChannelCode", "IBAN") && length(pm, payerID) > 34
        },
        each("F-LIB293", .invoice, "PaymentMeansCode = 49, For IBAN, Account ID must be at least 18 characters") { pm in
            pm.code(.c49) && pm.eq("PaymentChannelCode", "IBAN") && length(pm, payerID) < 18
        },
        each("F-LIB294", .invoice, "PaymentMeansCode = 49, FinancialInstitutionBranch/ID (Registreringsnummer) element is not used, when PaymentChannelCode equals IBAN") { pm in
            pm.code(.c49) && pm.eq("PaymentChannelCode", "IBAN") && pm.exists(["PayerFinancialAccount", "FinancialInstitutionBranch", "ID"])
        },
        each("F-LIB295", .invoice, "PaymentMeansCode = 49, For IBAN, ID element is mandatory") { pm in
            pm.code(.c49) && pm.eq("PaymentChannelCode", "IBAN") && !institutionID(pm, "PayerFinancialAccount")
        },
        // Card (48)
        each("F-LIB342", "PaymentMeansCode = 48, CardAccount is mandatory") { $0.code(.c48) && !$0.has("CardAccount") },
    ]
    + [
        ("F-LIB365", "48", "PaymentChannelCode"),
        ("F-LIB366", "48", "InstructionID"),
        ("F-LIB367", "48", "InstructionNote"),
        ("F-LIB368", "48", "PayerFinancialAccount"),
        ("F-LIB369", "48", "PayeeFinancialAccount"),
        ("F-LIB370", "48", "CreditAccount"),
    ].map { forbids($0.0, $0.1, $0.2) }
    + [
        // Payment terms
        WrittenRule("F-LIB247", "No more than one Note element may be present") { doc, at in
            doc.forEach("PaymentTerms") { t in if t.count("Note") > 1 { at.append("cac:PaymentTerms") } }
        },
        WrittenRule("F-LIB020", "Invalid PaymentTerms/Amount or SequenceNumeric: must not be negative") { doc, at in
            func check(_ v: WrittenElement) { if XPath.negative(v.textBytes) { at.append(v.name) } }
            doc.forEach(["PaymentTerms", "Amount"], check)
            for ac in OIOUBLPlaces.allowanceCharges(doc) { ac.forEach("SequenceNumeric", check) }
            for line in doc.lines {
                line.forEach(["AllowanceCharge", "SequenceNumeric"], check)
                line.forEach(["Price", "AllowanceCharge", "SequenceNumeric"], check)
                line.forEach(["BillingReference", "BillingReferenceLine", "AllowanceCharge", "SequenceNumeric"], check)
            }
        },
        WrittenRule("F-INV134", .invoice, "The sum of PaymentTerms/Amount elements or the value of the first PaymentTerms/Amount must equal PayableAmount") { doc, at in
            let terms = doc.children("PaymentTerms")
            guard !terms.isEmpty, let total = OIOUBLPlaces.totals(doc).first else { return }
            // format-number(x, '##.00') of both sides: compared after rounding to cents (an absent amount is NaN).
            let payable = OIOUBLWrittenMoney.cents(total.string("PayableAmount"))
            var sum: Exact? = .zero
            for t in terms {
                for a in t.children("Amount") { sum = sum.flatMap { s in OIOUBLWrittenMoney.exact(a.text).map { s + $0 } } }
            }
            let first = OIOUBLWrittenMoney.cents(terms[0].string("Amount"))
            let sumCents = sum.map { Arith.xround($0) }
            func same(_ a: Exact?, _ b: Exact?) -> Bool { if let a, let b { return a == b } else { return false } }
            if !same(payable, sumCents) && !same(payable, first) { at.append("cac:LegalMonetaryTotal/cbc:PayableAmount") }
        },
    ]
}

/// The OIOUBL payment means codes, in the order of `OIOUBLPaymentRules.codes`.
enum PaymentCode: Int {
    case c1, c10, c20, c31, c42, c48, c49, c50, c58, c59, c93, c97
}

/// One `cac:PaymentMeans` as the payment rules read it, with the codes its `cbc:PaymentMeansCode` is written as
/// (found once: sixty rules ask).
struct PM {
    let e: WrittenElement
    let codes: UInt16
    init(_ e: WrittenElement, codes: UInt16) { self.e = e; self.codes = codes }

    /// `cbc:PaymentMeansCode = 'c'`.
    @inline(__always) func code(_ c: PaymentCode) -> Bool { codes & (1 << UInt16(c.rawValue)) != 0 }
    func eq(_ local: StaticString, _ v: String) -> Bool { e.eq(local, v) }
    func ne(_ local: StaticString, _ v: String) -> Bool { e.ne(local, v) }
    func has(_ local: StaticString) -> Bool { e.has(local) }
    func attributeEq(_ local: StaticString, _ attribute: StaticString, _ v: String) -> Bool { e.attributeEq(local, attribute, v) }
    func length(_ local: StaticString) -> Int { e.length(local) }
    func string(_ local: StaticString) -> String { e.string(local) }
    func child(_ local: StaticString) -> WrittenElement? { e.child(local) }
    func exists(_ path: [StaticString]) -> Bool { e.exists(path) }
    func contains(_ path: [StaticString], where predicate: (WrittenElement) -> Bool) -> Bool { e.contains(path, where: predicate) }
}

/// Amounts as written, read as the Schematron's `number()` reads them, in exact arithmetic.
enum OIOUBLWrittenMoney {
    /// The amount as an exact number; nil when `number()` would give NaN.
    static func exact(_ b: UnsafeBufferPointer<UInt8>) -> Exact? {
        if let p = XPath.plainDecimal(b) {
            let units = Int64(p.mantissa)
            return Exact(units: p.negative ? -units : units, scale: Int8(p.fraction))
        }
        return exact(String(decoding: b, as: UTF8.self))
    }

    static func exact(_ s: String) -> Exact? {
        // The usual form, `[-]digits[.digits]` (at most 18 digits), read directly: the value `Amount(parsing:)`
        // gives it, without a `Decimal`.
        var s = s
        if let p = s.withUTF8({ XPath.plainDecimal($0) }) {
            let units = Int64(p.mantissa)
            return Exact(units: p.negative ? -units : units, scale: Int8(p.fraction))
        }
        guard XPath.number(s) != nil, let a = Amount(parsing: s.trimmingXMLSpace()) ?? Amount.exponentForm(s.trimmingXMLSpace()) else { return nil }
        return a.exact
    }
    /// Rounded to cents (`format-number(x, '##.00')`); nil for NaN.
    static func cents(_ s: String) -> Exact? { exact(s).map { Arith.xround($0) } }
}
