import BilagCore
import BilagEngine
import BilagOutbox
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// The payment cases a reviewer tries beside the mixed day: a Norwegian KID whose modulus-11 check digit is `-`, FIK
/// +73 (no payment id), an invoice due on a bank holiday followed by a weekend, two debtor accounts in one file — each
/// through the pipeline into a file the official XSD accepts.
final class PaymentVariantsTests: XCTestCase {
    typealias F = PaymentFixtures

    func testAKIDWithADashFIK73AHolidayBeforeAWeekendAndTwoDebtorAccounts() throws {
        // Good Friday 2027 is 26 March, Easter Monday 29 March: the first banking day after it is Tuesday 30 March, in
        // Denmark and in Norway alike.
        let goodFriday = BankCalendar.easterSunday(2027).adding(days: -2)
        XCTAssertEqual(goodFriday.description, "2027-03-26")
        for country in ["DK", "NO"] {
            let root = try TemporaryRoot()
            try root.writeConfig(F.config(extra: ["days_ahead: 365", "country: \(country)"]))
            let pipeline = try root.bookingPipeline()
            let r = try root.run(pipeline, [
                ("kid-dash", F.document("K-1", supplier: "NO986111111", means: F.domestic("86011117947", paymentID: "1000005-"), currency: "NOK")),
                ("kid-dash-wrong", F.document("K-2", supplier: "NO986111112", means: F.domestic("86011117947", paymentID: "1000006-"), currency: "NOK")),
                ("fik73", F.document("F-73", supplier: "DK22222222", means: F.fik("73", ""))),
                ("holiday", F.document("H-1", supplier: "DK33333333", means: F.iban("DK5000400440116243"), due: goodFriday.description)),
                ("eur", F.document("E-1", supplier: "DE77777777", means: F.iban("DE89370400440532013000", bic: "COBADEFFXXX"), currency: "EUR")),
            ])
            for name in ["kid-dash", "fik73", "holiday", "eur"] { XCTAssertEqual(r[name]?.state, .booked, "\(country) \(name): \(String(describing: r[name]?.reasonMessage))") }
            XCTAssertEqual(r["kid-dash-wrong"]?.reasonCode, PaymentDeviation.referenceInvalid, "a KID ending in - whose check digit is not 10")

            let paid = try F.checkedPayments(outbox: root.outbox)
            XCTAssertEqual(Set(paid.keys), Set(["kid-dash", "fik73", "holiday", "eur"].compactMap { r[$0]?.id }), country)
            let file = try XCTUnwrap(Set(paid.values.map(\.file)).first)
            let xml = try String(contentsOfFile: root.outbox + "/bank/" + file, encoding: .utf8)
            for snippet in ["<Ref>1000005-</Ref>", "<Ref>73/</Ref>", "<Ustrd>Faktura F-73</Ustrd>", "<ReqdExctnDt>2027-03-30</ReqdExctnDt>"] {
                XCTAssertTrue(xml.contains(snippet), "\(country): \(snippet) in \(xml)")
            }
            let blocks = try F.read(root.outbox + "/bank/" + file).blocks
            XCTAssertEqual(Set(blocks.map(\.debtor)), ["DK5000400440116243", "DK3730000000000001"], "EUR from its own account")
            XCTAssertEqual(blocks.filter { $0.date == "2027-03-30" }.map(\.count), [1], "the holiday's payment in a PmtInf of its own date")
        }
    }
}
