import BilagCore
import BilagStore
import Foundation
import XCTest

/// A journal entry's line is read back by hand (`BookedInvoice(journalLine:)`); it must read what Foundation's
/// `JSONDecoder` reads, field for field, and step aside (nil) wherever the line is not as bilag writes it.
final class BookedInvoiceDecodeTests: XCTestCase {
    let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    func decoded(_ line: String) -> BookedInvoice? { try? JSONDecoder().decode(BookedInvoice.self, from: Data(line.utf8)) }

    /// Both readers on `line`: the same booking, or the hand reader steps aside.
    func assertSame(_ line: String, handReads: Bool = true, file: StaticString = #filePath, lineNo: UInt = #line) {
        let hand = BookedInvoice(journalLine: line)
        if handReads {
            XCTAssertNotNil(hand, line, file: file, line: lineNo)
            XCTAssertEqual(hand, decoded(line), line, file: file, line: lineNo)
            XCTAssertEqual(hand?.amountDue.scale, decoded(line)?.amountDue.scale, file: file, line: lineNo)
            XCTAssertEqual(hand?.postings.map(\.netAmount.scale), decoded(line)?.postings.map(\.netAmount.scale), file: file, line: lineNo)
        } else {
            XCTAssertNil(hand, line, file: file, line: lineNo)
        }
    }

    func testItReadsWhatTheDecoderReadsForEveryFieldPresentOrAbsent() throws {
        let full = BookedInvoiceJSONTests.full(text: "Lægeerklæring LÆ 125, ordre ORD/7 100 % 😇 \u{7F} \u{2028}")
        var bookings = [full, BookedInvoice(invoiceID: "x", bookedAt: "t", bookedBy: "operator:anne", postings: [])]
        var emptyDetails = bookings[1]
        emptyDetails.details = BookedInvoiceDetails()
        emptyDetails.postings = [Posting(account: "1", netAmount: Amount(1), vatAmount: Amount(0)), Posting(account: "2", dimensions: ["kostsåd": "ø"], netAmount: Amount(parsing: "-0.125")!, vatAmount: Amount(parsing: "1000000.00")!)]
        bookings.append(emptyDetails)
        let paths: [WritableKeyPath<BookedInvoice, String?>] = [\.supplierKey, \.supplierName, \.invoiceNumber, \.issueDate, \.dueDate, \.currency, \.sha256, \.robot, \.historyKey]
        for path in paths {
            var b = full
            b[keyPath: path] = nil
            bookings.append(b)
        }
        var noPayment = full
        noPayment.details?.payment = BookedInvoiceDetails.PaymentMeans()
        noPayment.totalVAT = nil
        noPayment.totalWithoutVAT = nil
        noPayment.documentKind = .invoice
        noPayment.pay = true
        bookings.append(noPayment)
        noPayment.details?.payment = nil
        noPayment.details?.vatBreakdown = []
        bookings.append(noPayment)
        for b in bookings {
            let line = String(decoding: try encoder.encode(b), as: UTF8.self)
            // A text with an escape (the supplier's quoted name) is the decoder's to read.
            assertSame(line, handReads: !line.contains("\\"))
            if !line.contains("\\") { XCTAssertEqual(BookedInvoice(journalLine: line), b) }
            if let hand = b.jsonLine { assertSame(hand, handReads: !hand.contains("\\")) }
            var plain = b
            plain.supplierName = plain.supplierName.map { _ in "Klinik Nord A/S" }
            let plainLine = String(decoding: try encoder.encode(plain), as: UTF8.self)
            assertSame(plainLine)
            XCTAssertEqual(BookedInvoice(journalLine: plainLine), plain)
        }
    }

    func testNullsReadAsAbsent() {
        assertSame(#"{"amount_due":"1.50","booked_at":"t","booked_by":"b","currency":null,"details":null,"document_kind":"invoice","pay":true,"postings":[],"invoice_id":"x","total_vat":null}"#)
        assertSame(#"{"amount_due":"1","booked_at":"t","booked_by":"b","details":{"payment":null,"paid_amount":null,"vat_breakdown":[{"category":null,"rate":null,"tax":"0","taxable":"0.0"}]},"document_kind":"credit-note","pay":false,"postings":[{"account":"1","dimensions":{},"net_amount":"2","text":null,"vat_amount":"0.00","vat_code":null}],"invoice_id":"x"}"#)
    }

    func testItStepsAsideWhereTheLineIsNotAsBilagWritesIt() {
        let base = #"{"amount_due":"1.50","booked_at":"t","booked_by":"b","document_kind":"invoice","invoice_id":"x","pay":true,"postings":[]}"#
        assertSame(base)
        for odd in [
            #"{"amount_due":"1.50","booked_at":"t\"q","booked_by":"b","document_kind":"invoice","invoice_id":"x","pay":true,"postings":[]}"#,  // an escape
            #"{"amount_due":"1.50","booked_at":"t\u00e6","booked_by":"b","document_kind":"invoice","invoice_id":"x","pay":true,"postings":[]}"#,
            #"{"amount_due":150,"booked_at":"t","booked_by":"b","document_kind":"invoice","invoice_id":"x","pay":true,"postings":[]}"#,  // a number
            #"{"amount_due":"1.50", "booked_at":"t","booked_by":"b","document_kind":"invoice","invoice_id":"x","pay":true,"postings":[]}"#,  // whitespace
            #"{"amount_due":"1.50","booked_at":"t","booked_by":"b","document_kind":"invoice","invoice_id":"x","pay":true,"postings":[],"seq":1}"#,  // an unknown key
            #"{"amount_due":"1.50","booked_at":"t","booked_by":"b","document_kind":"invoice","invoice_id":"x","invoice_id":"y","pay":true,"postings":[]}"#,  // a repeated key
            #"{"amount_due":"1.50","booked_at":"t","booked_by":"b","document_kind":"invoice","invoice_id":"x","pay":true,"postings":[]}x"#,
            #"{"amount_due":"1.50","booked_at":"t","booked_by":"b","document_kind":"invoice","invoice_id":"x","pay":true}"#,  // a required key missing
            #"{"amount_due":"abc","booked_at":"t","booked_by":"b","document_kind":"invoice","invoice_id":"x","pay":true,"postings":[]}"#,
            #"{"amount_due":"1.50","booked_at":"t","booked_by":"b","document_kind":"bill","invoice_id":"x","pay":true,"postings":[]}"#,
            #"{"amount_due":"1.50","booked_at":null,"booked_by":"b","document_kind":"invoice","invoice_id":"x","pay":true,"postings":[]}"#,
            #"{"amount_due":"1.50","booked_at":"t","booked_by":"b","details":{},"document_kind":"invoice","invoice_id":"x","pay":true,"postings":[]}"#,
            #"{"amount_due":"1.50","booked_at":"t","booked_by":"b","document_kind":"invoice","invoice_id":"x","pay":true,"postings":[{"account":"1","dimensions":{"a":"1","a":"2"},"net_amount":"1","vat_amount":"0"}]}"#,
            "{\"amount_due\":\"1.50\",\"booked_at\":\"t\tu\",\"booked_by\":\"b\",\"document_kind\":\"invoice\",\"invoice_id\":\"x\",\"pay\":true,\"postings\":[]}",
            "", "{", "[]", "null",
        ] {
            assertSame(odd, handReads: false)
        }
    }
}
