@testable import BilagCore
@testable import BilagIntake
@testable import BilagStore
import Foundation
import XCTest

/// `Invoice`, `Outcome` and `ClaimedFile` hold their fields in one box that copies share until one of them changes a
/// field. They must still behave as plain values: a change to a copy never shows in the original (nor the other way
/// round), equality and hashing are the fields', and an invoice encodes exactly as its fields do.
private func line(_ id: String) -> InvoiceLine {
    var l = InvoiceLine()
    l.identifier = id
    return l
}

final class SharedValueTests: XCTestCase {
    func sampleInvoice() -> Invoice {
        var inv = Invoice(syntax: .ubl, documentKind: .invoice, profile: .peppolBis3)
        inv.invoiceNumber = "INV-1"
        inv.seller.name = "Seller A/S"
        inv.totals.amountDueForPayment = Amount(parsing: "125.00")
        inv.lines = [line("1")]
        return inv
    }

    func testAChangedInvoiceCopyLeavesTheOriginalAsItWas() {
        let original = sampleInvoice()
        var copy = original
        XCTAssertTrue(copy.box === original.box, "a copy shares the fields until it changes one")
        copy.invoiceNumber = "INV-2"
        copy.seller.name = "Other ApS"
        copy.lines[0].identifier = "9"
        copy.lines.append(line("2"))
        XCTAssertFalse(copy.box === original.box)
        XCTAssertEqual(original.invoiceNumber, "INV-1")
        XCTAssertEqual(original.seller.name, "Seller A/S")
        XCTAssertEqual(original.lines.map(\.identifier), ["1"])
        XCTAssertEqual(copy.invoiceNumber, "INV-2")
        XCTAssertEqual(copy.seller.name, "Other ApS")
        XCTAssertEqual(copy.lines.map(\.identifier), ["9", "2"])
        XCTAssertNotEqual(copy, original)

        // And the other way round: the original changed, a copy taken before keeps what it had.
        var first = sampleInvoice()
        let taken = first
        first.totals.amountDueForPayment = Amount(parsing: "1.00")
        XCTAssertEqual(taken.totals.amountDueForPayment, Amount(parsing: "125.00"))
        XCTAssertEqual(first.totals.amountDueForPayment, Amount(parsing: "1.00"))
    }

    func testAnInvoiceNotSharedIsChangedInPlace() {
        var inv = sampleInvoice()
        let box = ObjectIdentifier(inv.box) // (not the box itself: holding it would make it shared)
        inv.invoiceNumber = "INV-3"
        inv.lines.append(line("2"))
        XCTAssertEqual(ObjectIdentifier(inv.box), box, "no copy of the fields while the invoice is their one holder")
        XCTAssertEqual(inv.invoiceNumber, "INV-3")
    }

    func testInvoicesCompareHashAndEncodeAsTheirFields() throws {
        let a = sampleInvoice()
        var b = Invoice(syntax: .ubl, documentKind: .invoice, profile: .peppolBis3)
        b.invoiceNumber = "INV-1"
        b.seller.name = "Seller A/S"
        b.totals.amountDueForPayment = Amount(parsing: "125.00")
        b.lines = [line("1")]
        XCTAssertFalse(a.box === b.box)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.hashValue, b.hashValue)
        XCTAssertEqual(Set([a, b]).count, 1)

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let written = try encoder.encode(a)
        XCTAssertEqual(written, try encoder.encode(a.box.fields), "the JSON of an invoice is that of its fields, unchanged by the box")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: written) as? [String: Any])
        XCTAssertEqual(object["invoiceNumber"] as? String, "INV-1", "the fields are at the top level, not under a key of the box")
        XCTAssertEqual(try JSONDecoder().decode(Invoice.self, from: written), a)
    }

    func testAChangedOutcomeCopyLeavesTheOriginalAsItWas() {
        var original = Outcome(invoiceID: "I-1", state: .manual, reasonCode: "no-robot", actor: "system", action: "decided")
        original.traceJSON = "[]"
        var copy = original
        copy.state = .booked
        copy.reasonCode = nil
        copy.decisions.append(StoredDecision(invoiceID: "I-1", robot: "r", robotHash: "h", legalBasis: nil, mode: "live", outcome: "book", reasonCode: nil, message: nil,
                                             historyKey: nil, amount: nil, issueDate: nil, invoiceNumber: nil, periodKey: nil, traceJSON: "[]"))
        XCTAssertEqual(original.state, .manual)
        XCTAssertEqual(original.reasonCode, "no-robot")
        XCTAssertTrue(original.decisions.isEmpty)
        XCTAssertEqual(copy.state, .booked)
        XCTAssertNil(copy.reasonCode)
        XCTAssertEqual(copy.decisions.count, 1)
        XCTAssertEqual(copy.traceJSON, "[]")
    }

    func testAChangedBookingCopyLeavesTheOriginalAsItWasAndEncodesAsItsFields() throws {
        let posting = Posting(account: "4310010", dimensions: ["costcentre": "1100"], netAmount: Amount(parsing: "100.00")!, vatAmount: Amount(parsing: "25.00")!, vatCode: "I25", text: "husleje")
        let original = BookedInvoice(invoiceID: "I-1", bookedAt: "2026-12-06T00:00:00.000Z", bookedBy: "robot:rent@abc", supplierKey: "12345678",
                                     amountDue: Amount(parsing: "125.00"), postings: [posting], sha256: "ab", robot: "rent", historyKey: "T-1")
        var copy = original
        copy.pay = false
        copy.postings.append(posting)
        copy.historyKey = nil
        XCTAssertTrue(original.pay)
        XCTAssertEqual(original.postings.count, 1)
        XCTAssertEqual(original.historyKey, "T-1")
        XCTAssertEqual(copy.postings.count, 2)
        XCTAssertNotEqual(copy, original)
        XCTAssertEqual(original, BookedInvoice(invoiceID: "I-1", bookedAt: "2026-12-06T00:00:00.000Z", bookedBy: "robot:rent@abc", supplierKey: "12345678",
                                               amountDue: Amount(parsing: "125.00"), postings: [posting], sha256: "ab", robot: "rent", historyKey: "T-1"))

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let written = try encoder.encode(original)
        XCTAssertEqual(written, try encoder.encode(original.box.fields))
        XCTAssertEqual(String(decoding: written, as: UTF8.self), original.jsonLine, "the hand writer and the encoder still write one line")
        XCTAssertEqual(try JSONDecoder().decode(BookedInvoice.self, from: written), original)
    }

    func testAChangedClaimedFileCopyLeavesTheOriginalAsItWas() {
        var original = ClaimedFile(id: "C-1", channel: "peppol", sourcePath: "peppol/a.xml", storedPath: "originals/a.xml", receivedAt: "2026-12-06T00:00:00Z")
        original.bytes = Data("<Invoice/>".utf8)
        var copy = original
        copy.bytes = nil
        copy.readProblem = .unreadable("gone")
        copy.takenUpAgain = true
        XCTAssertEqual(original.bytes, Data("<Invoice/>".utf8))
        XCTAssertNil(original.readProblem)
        XCTAssertFalse(original.takenUpAgain)
        XCTAssertNil(copy.bytes)
        XCTAssertEqual(copy.readProblem, .unreadable("gone"))
        XCTAssertEqual(copy.id, "C-1")
    }

    /// Many threads each changing their own copy of one shared invoice: every copy ends with its own changes only,
    /// and the shared one is untouched (a copy made on write is never shared by two threads).
    func testCopiesChangedOnManyThreadsAtOnceStayApart() {
        let shared = sampleInvoice()
        let results = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            var mine = shared
            for n in 0..<50 { mine.invoiceNumber = "T\(i)-\(n)"; mine.lines.append(line("\(i)")) }
            results.put(i, mine)
        }
        XCTAssertEqual(shared.invoiceNumber, "INV-1")
        XCTAssertEqual(shared.lines.count, 1)
        for i in 0..<64 {
            let mine = results.get(i)
            XCTAssertEqual(mine?.invoiceNumber, "T\(i)-49")
            XCTAssertEqual(mine?.lines.count, 51)
            XCTAssertEqual(mine?.lines.dropFirst().allSatisfy { $0.identifier == "\(i)" }, true)
        }
    }

    final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Int: Invoice] = [:]
        func put(_ i: Int, _ v: Invoice) { lock.lock(); values[i] = v; lock.unlock() }
        func get(_ i: Int) -> Invoice? { lock.lock(); defer { lock.unlock() }; return values[i] }
    }
}
