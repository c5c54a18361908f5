import BilagCore
import BilagEngine
@testable import BilagOutbox
@testable import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// Danish payment slips (FIK +71/+73/+75, giro +01/+04/+15) in pain.001.001.03 as Danish CGI practice lays them out
/// (docs/outbox.md, "FIK and giro in pain.001"), and the file's creation time with the country's offset.
final class PaymentSlipLayoutTests: XCTestCase {
    func settings(country: String = "DK") throws -> PaymentSettings {
        try PaymentSettings(OutboxWriterSettings(name: "bank", kind: "payments", settings: [
            "version": "pain.001.001.03", "debtor_name": "Aarhus Kommune", "debtor_id": "55133018", "debtor_iban": "DK5000400440116243", "debtor_bic": "DABADKKK", "country": country,
        ]))
    }

    func payment(_ seq: Int64, _ i: PayeeInstruction) throws -> PaymentRecord {
        var p = PaymentRecord(invoiceID: "INV-\(seq)", seq: seq, state: "filed", documentKind: "invoice", supplierKey: "DK1234567\(seq)", supplierName: "Leverandør \(seq)",
                              invoiceNumber: "F-\(seq)", currency: "DKK", amount: Amount(parsing: "100.00")!, dueDate: "2026-12-07", accountKey: i.accountKey,
                              instruction: String(decoding: try JSONEncoder().encode(i), as: UTF8.self), reason: nil)
        p.requestedDate = "2026-12-07"
        return p
    }

    /// The file without indentation or line breaks, so element paths can be matched as text.
    func compact(_ data: Data) -> String {
        String(decoding: data, as: UTF8.self).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined()
    }

    /// The credit transfer of `invoice`.
    func transfer(_ xml: String, _ invoice: String) -> String {
        guard let start = xml.range(of: "<EndToEndId>\(invoice)</EndToEndId>"), let end = xml.range(of: "</CdtTrfTxInf>", range: start.upperBound..<xml.endIndex) else { return "" }
        return String(xml[start.lowerBound..<end.lowerBound])
    }

    func testEachPaymentSlipTypeIsLaidOutAsTheDanishCGIPractice() throws {
        let slips: [(PayeeInstruction, account: String, ref: String, message: Bool)] = [
            (PayeeInstruction(kind: .fik, country: "DK", account: "87654321", cardType: "71", reference: "000000002346526", referenceKind: .fik, message: "Faktura F-1"), "87654321", "71/000000002346526", false),
            (PayeeInstruction(kind: .fik, country: "DK", account: "87654321", cardType: "73", message: "Faktura F-2"), "87654321", "73/", true),
            (PayeeInstruction(kind: .fik, country: "DK", account: "87654321", cardType: "75", reference: "1234567890123452", referenceKind: .fik, message: "Faktura F-3"), "87654321", "75/1234567890123452", false),
            (PayeeInstruction(kind: .giro, country: "DK", account: "1234567", cardType: "01", message: "Faktura F-4"), "1234567", "01/", true),
            (PayeeInstruction(kind: .giro, country: "DK", account: "1234567", cardType: "04", reference: "1234567890123452", referenceKind: .fik, message: "Faktura F-5"), "1234567", "04/1234567890123452", false),
            (PayeeInstruction(kind: .giro, country: "DK", account: "1234567", cardType: "15", reference: "1234567890123452", referenceKind: .fik, message: "Faktura F-6"), "1234567", "15/1234567890123452", false),
        ]
        let payments = try slips.enumerated().map { try payment(Int64($0.offset + 1), $0.element.0) }
        let file = PaymentFileRecord(id: 1, writer: "bank", name: "bank-2026-12-04-000000000001.xml", state: "pending", createdAt: "2026-12-04T08:00:00.000Z", count: payments.count)
        let data = try Pain001Document(settings: settings()).render(file: file, payments: payments)
        let xml = compact(data)
        for (n, slip) in slips.enumerated() {
            let t = transfer(xml, "INV-\(n + 1)")
            let card = slip.0.cardType ?? ""
            XCTAssertTrue(t.contains("<CdtrAcct><Id><Othr><Id>\(slip.account)</Id><SchmeNm><Prtry>OCR</Prtry></SchmeNm></Othr></Id></CdtrAcct>"), "+\(card): \(t)")
            XCTAssertTrue(t.contains("<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>\(slip.ref)</Ref></CdtrRefInf></Strd>"), "+\(card): \(t)")
            XCTAssertEqual(t.contains("<Ustrd>"), slip.message, "+\(card): a message only on the slips that carry no payment id: \(t)")
            XCTAssertFalse(t.contains("<Prtry>\(card)</Prtry>") || t.contains("<Prtry>GIRO</Prtry>"), "+\(card): \(t)")
            XCTAssertFalse(t.contains("<CdtrAgt>"), "+\(card): the creditor number names the bank: \(t)")
        }
        let path = NSTemporaryDirectory() + "bilag-slips-" + UUID().uuidString + ".xml"
        try data.write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertNil(try PaymentFixtures.schemaErrors(path, version: "pain.001.001.03"))
    }

    /// The control sums are exact: with a Kuwaiti dinar amount (three decimals) beside kroner, the group's and the
    /// PmtInf's `CtrlSum` are the sum of their `InstdAmt` to the last decimal (a bank refuses a file whose control sum
    /// does not add up, and every payment in it with the file).
    func testControlSumsAreExactInEveryCurrencysMinorUnit() throws {
        let i = PayeeInstruction(kind: .iban, country: "DE", account: "DE89370400440532013000", bic: "COBADEFFXXX", message: "Faktura F")
        var kwd = try payment(1, i); kwd.currency = "KWD"; kwd.amount = Amount(parsing: "12.656")!; kwd.openAmount = kwd.amount
        var bhd = try payment(2, i); bhd.currency = "BHD"; bhd.amount = Amount(parsing: "25.416")!; bhd.openAmount = bhd.amount
        var dkk = try payment(3, i); dkk.amount = Amount(parsing: "1250.00")!; dkk.openAmount = dkk.amount
        let file = PaymentFileRecord(id: 1, writer: "bank", name: "bank-2026-12-04-000000000001.xml", state: "pending", createdAt: "2026-12-04T08:00:00.000Z", count: 3)
        let xml = compact(try Pain001Document(settings: settings()).render(file: file, payments: [kwd, bhd, dkk]))
        func values(_ tag: String) -> [String] {
            xml.components(separatedBy: "<\(tag)").dropFirst().compactMap { part in
                part.firstIndex(of: ">").map { String(part[part.index(after: $0)...].prefix { $0 != "<" }) }
            }
        }
        XCTAssertEqual(values("InstdAmt").sorted(), ["12.656", "1250.00", "25.416"])
        let sums = values("CtrlSum")
        XCTAssertEqual(sums.first, "1288.072", xml)
        XCTAssertEqual(sums.dropFirst().compactMap { Decimal(string: $0) }.reduce(0, +), Decimal(string: "1288.072"), "\(sums)")
    }

    /// `CreDtTm` is the country's local time with its offset (a bare time is read as the bank's local time, UTC as
    /// written it was an hour or two off), and `MsgId` carries the country's date: a file made at 23:30 UTC on
    /// 3 December is made on 4 December in Denmark.
    func testTheCreationTimeCarriesTheCountrysOffsetAndItsDate() throws {
        for (created, country, time, msg) in [("2026-12-03T23:30:00.000Z", "DK", "2026-12-04T00:30:00+01:00", "BILAG-20261204-7"),
                                              ("2026-06-30T22:30:15.000Z", "NO", "2026-07-01T00:30:15+02:00", "BILAG-20260701-7"),
                                              ("2026-12-04T10:00:00.000Z", "DK", "2026-12-04T11:00:00+01:00", "BILAG-20261204-7")] {
            let s = try settings(country: country)
            let p = try payment(1, PayeeInstruction(kind: .iban, country: "DK", account: "DK5000400440116243", bic: "DABADKKK", message: "Faktura F-1"))
            let file = PaymentFileRecord(id: 7, writer: "bank", name: "bank-x-000000000007.xml", state: "pending", createdAt: created, count: 1)
            let xml = compact(try Pain001Document(settings: s).render(file: file, payments: [p]))
            XCTAssertTrue(xml.contains("<CreDtTm>\(time)</CreDtTm>"), "\(created) \(country): \(xml)")
            XCTAssertTrue(xml.contains("<MsgId>\(msg)</MsgId>"), "\(created) \(country): \(xml)")
        }
    }
}
