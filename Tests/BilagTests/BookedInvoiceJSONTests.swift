import BilagCore
import BilagOutbox
import BilagStore
import Foundation
import XCTest

/// The journal line of a booked invoice is written by hand on the committing thread (`BookedInvoice.jsonLine`); it
/// must be byte for byte what the store's `JSONEncoder` writes, for every field present or absent, and step aside
/// (nil) where the encoder's own escapes or order decide.
final class BookedInvoiceJSONTests: XCTestCase {
    let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    func encoded(_ b: BookedInvoice) throws -> String { String(decoding: try encoder.encode(b), as: UTF8.self) }

    static func full(text: String = "Lægeerklæring LÆ 125, ordre \"ORD/7\" \\ 100 %", dimensions: [String: String] = ["costcentre": "2150", "case": "SAG-1", "certificate": "LÆ 125", "a_b": "x", "A1": "y", "a-b": "", "0": "z"]) -> BookedInvoice {
        var details = BookedInvoiceDetails()
        details.vatBreakdown = [.init(category: "S", rate: Amount(parsing: "25.00"), taxable: Amount(parsing: "-100.50")!, tax: Amount(parsing: "-25.13")!), .init(category: nil, rate: nil, taxable: .zero, tax: Amount(7))]
        details.payment = .init(code: "31", account: "DK5000400440116243", bic: "DABADKKK", paymentID: "+71<000000002346526+", instructionID: "000000002346526", creditAccount: "87654321", channel: "DK:FIK")
        details.supplierLegalID = "12345607"; details.supplierVATNumber = "DK12345607"; details.supplierEndpoint = "5790000000001"
        details.paidAmount = Amount(parsing: "0.00"); details.roundingAmount = Amount(parsing: "-0.01"); details.buyerReference = "150382-4455 / ÆØÅ"; details.orderReference = "PO-1"
        let postings = [Posting(account: "4520010", dimensions: dimensions, netAmount: Amount(parsing: "405.00")!, vatAmount: .zero, vatCode: "I0", text: text),
                        Posting(account: "4520011", netAmount: Amount(parsing: "-1.5")!, vatAmount: Amount(parsing: "0.375")!)]
        return BookedInvoice(invoiceID: "01J0000000000000000000000", bookedAt: "2026-11-30T10:00:00.123Z", bookedBy: "robot:medical-certificates@0123456789ab", supplierKey: "DK12345607",
                             supplierName: "Klinik \"Nord\" A/S", invoiceNumber: "MED-1", issueDate: "2026-11-01", dueDate: "2026-12-01", documentKind: .creditNote, currency: "DKK",
                             amountDue: Amount(parsing: "-405.00"), totalWithoutVAT: Amount(parsing: "-405.00"), totalVAT: .zero, postings: postings, pay: false, sha256: String(repeating: "ab", count: 32),
                             robot: "medical-certificates", historyKey: "ORD-B-1", details: details)
    }

    func testTheHandWrittenLineIsTheEncodersForEveryFieldPresentOrAbsent() throws {
        let full = Self.full()
        XCTAssertEqual(full.jsonLine, try encoded(full))
        let bare = BookedInvoice(invoiceID: "x", bookedAt: "t", bookedBy: "operator:anne", postings: [])
        XCTAssertEqual(bare.jsonLine, try encoded(bare))
        var emptyDetails = bare
        emptyDetails.details = BookedInvoiceDetails()
        emptyDetails.postings = [Posting(account: "1", netAmount: Amount(1), vatAmount: Amount(0))]
        XCTAssertEqual(emptyDetails.jsonLine, try encoded(emptyDetails))
        // Each optional field left out in turn.
        let paths: [WritableKeyPath<BookedInvoice, String?>] = [\.supplierKey, \.supplierName, \.invoiceNumber, \.issueDate, \.dueDate, \.currency, \.sha256, \.robot, \.historyKey]
        for path in paths {
            var b = full
            b[keyPath: path] = nil
            XCTAssertEqual(b.jsonLine, try encoded(b), "\(path)")
        }
        var noPayment = full
        noPayment.details?.payment = nil
        noPayment.totalVAT = nil
        noPayment.totalWithoutVAT = nil
        XCTAssertEqual(noPayment.jsonLine, try encoded(noPayment))
        // Texts of every kind the encoder writes as they are: slashes, quotes, backslashes, DEL, line and paragraph separators, emoji.
        let odd = Self.full(text: "a/b \"c\" \\d \u{7F} \u{2028}\u{2029} 😇 é")
        XCTAssertEqual(odd.jsonLine, try encoded(odd))
        XCTAssertEqual(try JSONDecoder().decode(BookedInvoice.self, from: Data(try XCTUnwrap(full.jsonLine).utf8)), full, "and it reads back as the booking")
    }

    /// The journal file's line (the booking with its sequence number) is the journal writer's encoder's too.
    func testTheJournalFileLineIsTheEncodersWithItsSequenceNumber() throws {
        for (seq, b) in [(Int64(1), Self.full()), (Int64(9_007_199_254_740_993), BookedInvoice(invoiceID: "x", bookedAt: "t", bookedBy: "operator:anne", postings: []))] {
            XCTAssertEqual(b.journalFileLine(seq: seq), String(decoding: try encoder.encode(JournalLine(seq: seq, booked: b)), as: UTF8.self))
            XCTAssertEqual(String(decoding: try JournalWriter().render([OutboxEntry(seq: seq, booked: b)]), as: UTF8.self), b.journalFileLine(seq: seq).map { $0 + "\n" })
        }
        XCTAssertNil(Self.full(text: "tab\there").journalFileLine(seq: 1))
    }

    /// The journal file's line made from the stored line (the sequence number put in) is the encoder's too, whatever
    /// the texts hold: a dimension named `sha256`, texts holding `,"sha256":"`, no SHA-256 at all.
    func testTheJournalFileLineMadeFromTheStoredLineIsTheEncoders() throws {
        var tricky = Self.full(text: #"x","sha256":"y"#, dimensions: ["sha256": "d", "a": #"","sha256":""#])
        tricky.supplierName = #"S ,"sha256":" \"#
        tricky.historyKey = #""#
        var bare = BookedInvoice(invoiceID: "x", bookedAt: "t", bookedBy: "operator:anne", postings: [])
        var withHash = bare
        withHash.sha256 = "00"
        bare.supplierKey = #","sha256":""#
        for b in [Self.full(), tricky, bare, withHash] {
            let stored = try XCTUnwrap(b.jsonLine)
            for seq: Int64 in [1, 42, 9_007_199_254_740_993] {
                let expected = String(decoding: try encoder.encode(JournalLine(seq: seq, booked: b)), as: UTF8.self)
                XCTAssertEqual(b.journalFileLine(seq: seq, stored: stored), expected)
                XCTAssertEqual(String(decoding: try JournalWriter().render([OutboxEntry(seq: seq, booked: b, storedLine: stored)]), as: UTF8.self), expected + "\n")
            }
        }
    }

    /// What this process booked is handed to its writers only for the very line it was stored as, and the oldest go
    /// once the list is full.
    func testTheHandoffGivesABookingBackOnlyForItsOwnLineAndKeepsTheNewest() throws {
        let handoff = BookedHandoff(capacity: 2)
        func booking(_ id: String, _ number: String) -> BookedInvoice { BookedInvoice(invoiceID: id, bookedAt: "t", bookedBy: "robot:r@1", invoiceNumber: number, postings: []) }
        for (id, number) in [("a", "1"), ("b", "2")] { handoff.keep(booking(id, number), line: try XCTUnwrap(booking(id, number).jsonLine)) }
        XCTAssertEqual(handoff.booked("a", line: try XCTUnwrap(booking("a", "1").jsonLine))?.invoiceNumber, "1")
        XCTAssertNil(handoff.booked("a", line: try XCTUnwrap(booking("a", "9").jsonLine)), "another line: read, not matched")
        XCTAssertNil(handoff.booked("c", line: try XCTUnwrap(booking("a", "1").jsonLine)))
        // Booked again (after a reversal): the newer booking replaces the older.
        handoff.keep(booking("a", "3"), line: try XCTUnwrap(booking("a", "3").jsonLine))
        XCTAssertNil(handoff.booked("a", line: try XCTUnwrap(booking("a", "1").jsonLine)))
        XCTAssertEqual(handoff.booked("a", line: try XCTUnwrap(booking("a", "3").jsonLine))?.invoiceNumber, "3")
        handoff.keep(booking("c", "4"), line: try XCTUnwrap(booking("c", "4").jsonLine))
        XCTAssertNil(handoff.booked("a", line: try XCTUnwrap(booking("a", "3").jsonLine)), "the oldest went")
        XCTAssertNotNil(handoff.booked("b", line: try XCTUnwrap(booking("b", "2").jsonLine)))
        XCTAssertNotNil(handoff.booked("c", line: try XCTUnwrap(booking("c", "4").jsonLine)))
        // Byte for byte: the same text in another Unicode normalisation (é as e and a combining accent) is another line.
        let composed = booking("d", "Lægeerklæring é"), decomposed = booking("d", "Lægeerklæring e\u{301}")
        XCTAssertEqual(composed.jsonLine, decomposed.jsonLine, "Swift deems the two texts equal")
        handoff.keep(composed, line: try XCTUnwrap(composed.jsonLine))
        XCTAssertNotNil(handoff.booked("d", line: try XCTUnwrap(composed.jsonLine)))
        XCTAssertNil(handoff.booked("d", line: try XCTUnwrap(decomposed.jsonLine)), "but not byte for byte")
    }

    func testItStepsAsideWhereTheEncoderDecides() {
        XCTAssertNil(Self.full(text: "line\nbreak").jsonLine, "a control character: the encoder's escape")
        XCTAssertNil(Self.full(dimensions: ["costcentre": "1", "kostsåd": "2"]).jsonLine, "a name that is not plain ASCII: the encoder's order")
    }

    /// An Outbox manifest written by hand is byte for byte its encoder's, with or without a kind, for one entry and
    /// for many, several currencies (and none), texts with quotes and backslashes; what it leaves to the encoder (a
    /// control character, no entries, a currency key of other characters) comes out the encoder's all the same.
    func testTheHandWrittenManifestIsTheEncoders() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        func booked(_ id: String, _ currency: String?, _ amount: String) -> BookedInvoice {
            BookedInvoice(invoiceID: id, bookedAt: "t", bookedBy: "robot:r@1", currency: currency, amountDue: Amount(parsing: amount),
                          postings: [Posting(account: "4520", netAmount: Amount(parsing: amount)!, vatAmount: Amount(parsing: "-0.375")!)])
        }
        let many = (1...250).map { OutboxEntry(seq: Int64($0) * 7, booked: booked("20261206-\($0)-peppol/x", ["DKK", "NOK", nil, "EUR"][$0 % 4], "\($0).5\($0 % 10)")) }
        let cases: [(String, String?, [OutboxEntry], String)] = [
            ("journal-2026-12-06-1-1.jsonl", "jsonl", [many[0]], "2026-12-06T10:00:00Z"),
            (#"unit4 "x" \ y.csv"#, nil, many, "2026-12-06T10:00:00.123Z"),
            ("f", "erp", [OutboxEntry(seq: 9_007_199_254_740_993, booked: booked(#"Å/"é\"#, "DKK", "-0.00"))], "t"),
            ("tab\there", "jsonl", [many[1]], "t"),
            ("empty", "jsonl", [], "t"),
            ("odd currency", "jsonl", [OutboxEntry(seq: 1, booked: booked("a", "dkk", "1")), OutboxEntry(seq: 2, booked: booked("b", "DK1", "1"))], "t"),
        ]
        var handWritten = 0
        for (file, kind, entries, at) in cases {
            let data = Data("content of \(file)".utf8)
            let manifest = OutboxManifest(file: file, writer: "w/\(kind ?? "none")", kind: kind, entries: entries, data: data, writtenAt: at)
            let expected = try encoder.encode(manifest)
            XCTAssertEqual(String(decoding: try manifest.encoded(), as: UTF8.self), String(decoding: expected, as: UTF8.self), file)
            if let hand = manifest.handWritten() { handWritten += 1; XCTAssertEqual(hand, Array(expected), file) }
            XCTAssertEqual(try JSONDecoder().decode(OutboxManifest.self, from: manifest.encoded()), manifest, file)
        }
        XCTAssertEqual(handWritten, 3, "the first three are written by hand; a control character, no entries and other currency keys go to the encoder")
    }
}
