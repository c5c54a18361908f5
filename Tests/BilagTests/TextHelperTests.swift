@testable import BilagCore
@testable import BilagEngine
@testable import BilagIntake
import Foundation
import XCTest

/// The fast text helpers on the hot path must give exactly what their plain Foundation versions give.
final class TextHelperTests: XCTestCase {
    static let samples = ["", " ", "abc", " abc", "abc ", "\tabc\n", "\u{00A0}abc\u{00A0}", "æble", " æble ", "a b", "\r\n", "\u{2003}x", "x\u{3000}", "~", "12345678"]

    func testStoredExtensionFastPathEqualsFoundation() {
        let names = ["a.xml", "a.XML", "dir/a.Xml", "a.b.xml", "a..xml", ".xml", "dir/.xml", "a.", "a", "dir.d/a", "a.xmlabc",
                     "a.xmlab", "a.12345", "a.123456", "a.x-l", "a.æøå", "a.tar.gz", "peppol/0088_579/inv-1.xml", "x/.hidden",
                     "a b.pdf", "a.p f", "dir/", "a.xml/", "ø.xml", "a.x", "..", ".", "/", "./a.xml", "a/.b.xml"]
        for n in names {
            XCTAssertEqual(Claimer.extensionOf(n), Claimer.generalExtension(n), n)
        }
    }

    func testTrimmingWhitespaceEqualsFoundation() {
        for s in Self.samples {
            XCTAssertEqual(s.trimmingWhitespace(), s.trimmingCharacters(in: .whitespacesAndNewlines), "\(s.debugDescription)")
            XCTAssertEqual(s.trimmingWhitespace(includingNewlines: false), s.trimmingCharacters(in: .whitespaces), "\(s.debugDescription)")
        }
    }

    func testNormalizedPartyKeyDropsSpacesCountryPrefixAndMVA() {
        XCTAssertEqual(Identifiers.normalizedPartyKey(" dk 1234 5678 "), "12345678")
        XCTAssertEqual(Identifiers.normalizedPartyKey("no987654321mva"), "987654321")
        XCTAssertEqual(Identifiers.normalizedPartyKey("NO 987 654 321 MVA"), "987654321")
        XCTAssertEqual(Identifiers.normalizedPartyKey("DKK1"), "DKK1")
        XCTAssertEqual(Identifiers.normalizedPartyKey("5790000000001"), "5790000000001")
        // One company, however its invoices write it: legal id, VAT number, endpoint, labels.
        for spelling in ["12345666", "DK12345666", "DK-12345666", "dk 12 34 56 66", "CVR 12345666", "CVR-nr. 12345666", "cvr:12345666", "0184:12345666", "12.34.56.66"] {
            XCTAssertEqual(Identifiers.normalizedPartyKey(spelling), "12345666", spelling)
        }
        for spelling in ["5567321707", "SE556732170701", "556732-1707", "0007:5567321707", "SE 5567321707 01"] {
            XCTAssertEqual(Identifiers.normalizedPartyKey(spelling), "5567321707", spelling)
        }
        for spelling in ["987654321", "NO987654321MVA", "0192:987654321", "Org.nr. 987654321", "NO-987654321"] {
            XCTAssertEqual(Identifiers.normalizedPartyKey(spelling), "987654321", spelling)
        }
        XCTAssertEqual(Identifiers.normalizedPartyKey("HRB 12345"), "HRB12345", "other letters stay")
        XCTAssertEqual(Identifiers.normalizedPartyKey("0088:5790000000001"), "5790000000001", "a GLN endpoint: its number")
        XCTAssertEqual(Identifiers.normalizedPartyKey("æble\u{00A0}12"), "ÆBLE12")
    }

    /// An ASCII number's compared form, made by the bytes, is its letters and digits upper-cased, as the characters
    /// give them.
    func testACompactedASCIINumberIsItsLettersAndDigitsUpperCased() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let raw = String(decoding: (0..<Int.random(in: 0...24, using: &rng)).map { _ in UInt8.random(in: 0x09...0x7E, using: &rng) }, as: UTF8.self)
            XCTAssertEqual(Identifiers.compacted(raw), String(raw.filter { $0.isLetter || $0.isNumber }).uppercased(), raw)
        }
        XCTAssertEqual(Identifiers.compacted("ＣＲ－４７１１"), "CR4711", "full-width forms still fold")
    }

    /// A number in a JSON text is written as `String(n)` writes it, by the short way (up to three digits) and the long.
    func testJSONNumbersAreStringsNumbers() {
        var numbers = Array(-1100...1100) + [Int.min, Int.max, Int.min + 1, 9_999, 10_000, 123_456_789]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 { numbers.append(Int.random(in: Int.min...Int.max, using: &rng) >> Int.random(in: 0...62, using: &rng)) }
        for n in numbers {
            var out: [UInt8] = [0x5B]
            JSONString.append(n, to: &out)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), "[" + String(n))
        }
    }

    /// The bytes' party key of an ASCII identifier is the characters' (`generalPartyKey`) for every spelling: pieces of
    /// labels, prefixes, scheme codes, suffixes and separators in any order.
    func testThePartyKeyByTheBytesIsTheKeyByTheCharacters() {
        var rng = SystemRandomNumberGenerator()
        let pieces = ["DK", "NO", "SE", "CVR", "-NR.", "NR", "ORG", ".", "-", ":", "MVA", "01", "0184:", "0007", "12", "345", "6",
                      "5567321707", " ", "x", "Q", "cvr", "dk", "Org.nr.", "se", "\t", "/", "0", "9"]
        var spellings = ["SE556732170701", "SE-556732170701", "SE5567321707010", "CVR", "CVR-", "DK", "DK-", "-", "", "MVA",
                         "0184:", "0184:DK", "1234:", "12345:6", "CVR-NR.:-.DK-12.34", "ORGNR.NO987MVA", "SE55673217-0701"]
        for _ in 0..<20_000 {
            spellings.append((0..<Int.random(in: 1...5, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined())
        }
        for raw in spellings {
            let upper = String(decoding: raw.utf8.filter { !($0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D)) }.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
            XCTAssertEqual(Identifiers.normalizedPartyKey(raw), Identifiers.generalPartyKey(upper), raw)
        }
    }

    func testLogEscapingLeavesPlainTextAloneAndEscapesTheRest() {
        XCTAssertEqual(JSONLogHandler.escape("booked 20261123-101010-000001-p0001"), "booked 20261123-101010-000001-p0001")
        XCTAssertEqual(JSONLogHandler.escape("a \"quoted\" \\ path\nnext\tcol\u{01}"), "a \\\"quoted\\\" \\\\ path\\nnext\\tcol\\u0001")
        XCTAssertEqual(JSONLogHandler.escape("æøå"), "æøå")
    }

    /// The decimal formatter's fast path writes exactly what NSDecimalString (padded to the scale) writes.
    func testDecimalFormatFastPathEqualsFoundation() {
        XCTAssertTrue(DecimalParts.layoutHolds, "the fast path reads Decimal's storage; its layout check failed, so every format takes Foundation's way")
        func foundation(_ d: Decimal, _ scale: Int) -> String {
            var v = d
            var s = NSDecimalString(&v, Locale(identifier: "en_US_POSIX"))
            if scale > 0 {
                let current = s.firstIndex(of: ".").map { s.distance(from: $0, to: s.endIndex) - 1 } ?? 0
                if current == 0 { s += "." }
                if current < scale { s += String(repeating: "0", count: scale - current) }
            }
            return s
        }
        var texts = ["0", "0.00", "-0.00", "1", "-1", "100.50", "1717.70", "0.001", "-0.5", "123456789012345678.12", "18446744073709551615",
                     "99999999999999999999", "1e5", "0.000000000000000000000000000001", "12.3400", "1000000", "-343.54", "5.0E-3"]
        var seed: UInt64 = 42
        for _ in 0..<2000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let units = Int64(bitPattern: seed >> 20) % 1_000_000_000_000
            let decimals = Int(seed >> 60) % 6
            texts.append(decimals == 0 ? String(units) : String(format: "%lld.%0\(decimals)lld", units / 1000, abs(units) % Int64(pow(10.0, Double(decimals)))))
        }
        for t in texts {
            guard let d = Decimal(string: t, locale: Locale(identifier: "en_US_POSIX")) else { continue }
            for scale in [0, 2, 4] {
                XCTAssertEqual(DecimalText.format(d, scale: scale), foundation(d, scale), "\(t) scale \(scale)")
            }
        }
        for t in ["100.50", "-0.001", "42"] {
            let (d, scale) = DecimalText.parseWithScale(t)!
            XCTAssertEqual(DecimalText.format(d, scale: scale), foundation(d, scale), t)
            XCTAssertEqual(Amount(parsing: t)?.description, t)
        }
        XCTAssertEqual(DecimalText.format(Decimal(sign: .plus, exponent: 3, significand: 12), scale: 2), "12000.00")
        XCTAssertEqual(DecimalText.format(Decimal(sign: .minus, exponent: -3, significand: 5), scale: 2), "-0.005")
    }

    /// Amounts compare as Foundation compares their values, on the fast path (both fit 64 bits) and off it.
    func testAmountsCompareAsTheirDecimalValues() {
        var values: [Decimal] = [0, -0, 1, -1, Decimal(UInt64.max), -Decimal(UInt64.max), Decimal(UInt64.max) * 10, Decimal(string: "1e30")!,
                                 Decimal(string: "-1e-30")!, Decimal(sign: .plus, exponent: 3, significand: 12), Decimal(sign: .plus, exponent: 0, significand: 12000),
                                 Decimal(string: "12000.000")!, Decimal(string: "0.001")!, Decimal(string: "0.0010")!, Decimal.nan]
        var seed: UInt64 = 99
        for _ in 0..<600 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let significand = seed >> (seed % 50)
            values.append(Decimal(sign: seed & 1 == 0 ? .plus : .minus, exponent: Int(seed >> 58) - 40 + Int(seed >> 52 & 0x3F) % 20, significand: Decimal(significand)))
        }
        for a in values {
            for b in values.prefix(80) {
                let x = Amount(a), y = Amount(b)
                if a.isNaN || b.isNaN { continue }
                XCTAssertEqual(Amount.compare(x, y), a < b ? -1 : (a == b ? 0 : 1), "\(a) vs \(b)")
                XCTAssertEqual(x < y, a < b, "\(a) < \(b)")
                XCTAssertEqual(x == y, a == b, "\(a) == \(b)")
            }
            if !a.isNaN { XCTAssertEqual(Amount(a).isNegative, a < 0, "\(a)") }
        }
    }

    /// Amounts add and subtract to Foundation's values, whether the sum is worked out on the significands (both fit 64
    /// bits, the result too) or by Foundation: the same number, the same text, the same hash; a zero is never negative.
    /// Equal amounts hash alike however their Decimals are written.
    func testAmountSumsAreFoundationsSums() {
        XCTAssertTrue(DecimalParts.layoutHolds)
        var values: [Decimal] = [0, 1, -1, Decimal(UInt64.max), -Decimal(UInt64.max), Decimal(UInt64.max) * 10, Decimal(string: "1e30")!,
                                 Decimal(string: "-1e-30")!, Decimal(sign: .plus, exponent: 3, significand: 12), Decimal(string: "12000.000")!,
                                 Decimal(string: "0.001")!, Decimal(string: "-1717.70")!, Decimal(string: "9223372036854775807")!,
                                 Decimal(string: "18446744073709551615")!, Decimal(string: "0.000000000000000000000000000001")!]
        var seed: UInt64 = 2026
        for _ in 0..<400 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let significand = seed >> (seed % 60)
            values.append(Decimal(sign: seed & 1 == 0 ? .plus : .minus, exponent: -Int(seed >> 59) + Int(seed >> 52 & 0x7) % 4, significand: Decimal(significand)))
        }
        var fast = 0
        for a in values {
            for b in values.prefix(60) {
                let x = Amount(a, scale: 2), y = Amount(b, scale: 3)
                for (sum, expected) in [(x + y, a + b), (x - y, a - b), (y - x, b - a)] {
                    XCTAssertEqual(sum.value, expected, "\(a) ± \(b)")
                    XCTAssertFalse(sum.value.isNaN, "\(a) ± \(b)")
                    XCTAssertEqual(sum.scale, 3)
                    XCTAssertEqual(sum.description, Amount(expected, scale: 3).description, "\(a) ± \(b)")
                    XCTAssertEqual(sum.hashValue, Amount(expected, scale: 3).hashValue, "\(a) ± \(b)")
                    XCTAssertEqual(sum.isNegative, expected < 0, "\(a) ± \(b)")
                }
                if DecimalParts.add(a, b, subtracting: false) != nil { fast += 1 }
            }
        }
        XCTAssertGreaterThan(fast, values.count * 20, "most sums of invoice-sized amounts take the integer way")
        let item = Amount(parsing: "100.50")!, same = Amount(parsing: "100.5")!
        XCTAssertEqual((item - same).description, "0.00")
        XCTAssertFalse((item - same).isNegative)
        XCTAssertEqual((Amount(parsing: "-0.25")! + Amount(parsing: "0.05")!).description, "-0.20")
        XCTAssertEqual(Amount(parsing: "-0")!.description, "0")
        let forms = [Amount(parsing: "10.00")!, Amount(10), Amount(Decimal(sign: .plus, exponent: 1, significand: 1)), Amount(parsing: "4.50")! + Amount(parsing: "5.5")!,
                     Amount(Decimal(UInt64.max) * 10 - Decimal(UInt64.max) * 10 + 10)]
        XCTAssertEqual(Set(forms).count, 1, "one number, one hash: \(forms)")
        XCTAssertEqual(Set([Amount(parsing: "0.00")!, Amount(parsing: "-0")!, Amount(parsing: "1.5")! - Amount(parsing: "1.50")!]).count, 1)
    }

    /// `parseWithScale` reads `[+-]digits[.digits]` between XML whitespace, as Foundation reads the same digits, with the
    /// number of decimals written; anything else is nil (no exponent, no other digits, no inner space).
    func testDecimalParseReadsTheWrittenFormOnly() {
        let posix = Locale(identifier: "en_US_POSIX")
        var valid = ["0", "-0", "+0", "0.00", "100.50", " 1717.70\n", "\t-343.54 ", "5.", ".5", "-.25", "007.100",
                     "18446744073709551615", "18446744073709551616", "123456789012345678901234567890.12345678",
                     "0.000000000000000000000000000001", "99999999999999999999999999999999999999"]
        var seed: UInt64 = 7
        for _ in 0..<2000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let whole = String(seed >> 40), decimals = Int(seed >> 61)
            let part = String(String(seed % 1_000_000_007).prefix(decimals))
            let sign = ["", "-", "+"][Int(seed >> 20) % 3], pad = [" ", "", "\r\n", "\t"][Int(seed >> 30) % 4]
            valid.append(pad + sign + whole + (decimals == 0 ? "" : "." + part) + pad)
        }
        for t in valid {
            guard let (d, scale) = DecimalText.parseWithScale(t) else { XCTFail("refused \(t)"); continue }
            let trimmed = t.trimmingCharacters(in: .whitespacesAndNewlines)
            let unsigned = trimmed.hasPrefix("+") ? String(trimmed.dropFirst()) : trimmed
            XCTAssertEqual(d, Decimal(string: unsigned, locale: posix), t)
            XCTAssertEqual(scale, unsigned.firstIndex(of: ".").map { unsigned.distance(from: $0, to: unsigned.endIndex) - 1 } ?? 0, t)
        }
        for t in ["", " ", "-", "+", ".", "-.", "1.2.3", "1e5", "12a", "--1", "+-1", "1 2", "1,5", "\u{0663}", "１２", "0x10",
                  "1234567890123456789012345678901234567890", "1.0000000000000000000000000000001"] {
            XCTAssertNil(DecimalText.parseWithScale(t), t)
        }
    }

    /// The decision trace's hand-written JSON is byte for byte what the database's encoder writes, and falls back to
    /// the encoder for the texts it does not spell itself (control characters).
    func testTraceJSONEqualsTheEncoders() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let texts = ["", "parse", "ubl invoice, profile oioubl", "a \"quoted\" word", "back\\slash", "a/b</c>", "æøå ÆØÅ €", "😀",
                     "tab\tand\nnewline", "\u{01}", "010203-XXXX", "{\"json\":[1]}", "\u{7F}\u{85}\u{2028}"]
        var traces: [[TraceStep]] = [[]]
        for (i, t) in texts.enumerated() {
            traces.append([TraceStep(step: t, result: texts[(i + 1) % texts.count])])
            traces.append([TraceStep(step: "route", result: t, detail: texts[(i + 3) % texts.count], micros: i * 997 - 3),
                           TraceStep(step: "validate", result: "valid", detail: t)])
        }
        for steps in traces {
            XCTAssertEqual(try TraceStep.json(steps, encoder: encoder), String(decoding: try encoder.encode(steps), as: UTF8.self), "\(steps)")
        }
        // The examination's steps written ahead on the worker (`WrittenSteps`), then the rest at commit: the same
        // bytes as the whole trace written at once, or through the encoder when a text written ahead holds a control
        // character (nothing is written ahead then).
        for (i, steps) in traces.enumerated() {
            let tail = traces[(i + 1) % traces.count] + [TraceStep.stepsOf("rent-payments", count: i)]
            for cut in 0...steps.count {
                let first = WrittenSteps(Array(steps[..<cut]))
                let whole = steps + tail
                XCTAssertEqual(try TraceStep.json(whole, encoder: encoder, first: first), String(decoding: try encoder.encode(whole), as: UTF8.self), "\(whole)")
            }
        }
        XCTAssertNil(WrittenSteps([TraceStep(step: "parse", result: "a\u{1}b")]))
    }

    /// A document kind's `signed` is its amount times its sign, to the last digit and the scale as written.
    func testSignedEqualsMultiplyingBySign() {
        let texts = ["0", "0.00", "-0.00", "1", "-1", "100.50", "-343.54", "0.001", "123456789012345678.12", "99999999999999999999", "12.3400"]
        for kind in [DocumentKind.invoice, .creditNote] {
            for t in texts {
                let a = Amount(parsing: t)!
                let product = a * kind.sign, signed = kind.signed(a)
                XCTAssertEqual(signed.description, product.description, "\(kind) \(t)")
                XCTAssertEqual(signed.scale, product.scale, "\(kind) \(t)")
                XCTAssertEqual(signed.value, product.value, "\(kind) \(t)")
            }
        }
    }

    /// A date's text, written digit by digit, is the zero-padded `YYYY-MM-DD`, and parses back to the same date.
    func testDateTextIsZeroPaddedAndParsesBack() throws {
        for (y, m, d) in [(2026, 11, 23), (1, 1, 1), (999, 12, 31), (10, 1, 9), (9999, 12, 31), (2024, 2, 29), (2000, 10, 10)] {
            let date = try XCTUnwrap(LocalDate(year: y, month: m, day: d))
            XCTAssertEqual(date.description, String(format: "%04d-%02d-%02d", y, m, d))
            XCTAssertEqual(LocalDate(parsing: date.description), date)
        }
    }

    /// A file's folder, cut by the bytes, is NSString's `deletingLastPathComponent`; a bare name's is "." (where
    /// NSString traps on Linux).
    func testAFilesFolderIsNSStringsParentPath() {
        let paths = ["/tmp/bilag/Outbox/journal-1.csv", "/tmp/x", "/x", "a/b", "a//b", "a/b/", "/a/b//", "/", "//x",
                     "Outbox/.tmp-1", "/tmp/ø/æ.xml", "rel/dir/file.json", "./f", "../f", "/a/./b"]
        for p in paths { XCTAssertEqual(FileIO.folder(of: p), (p as NSString).deletingLastPathComponent, p) }
        XCTAssertEqual(FileIO.folder(of: "journal.csv"), ".")
        XCTAssertEqual(FileIO.folder(of: "x/"), ".")
    }
}
