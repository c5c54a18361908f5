import BilagCore
import BilagEngine
import BilagOutbox
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// Payments end to end in one process: invoices booked by a robot become pain.001 payments from their payment means
/// (IBAN, Danish domestic, FIK/giro, Norwegian account and KID), batched per debtor account and execution date, in
/// files the official XSD accepts (`xmllint --schema` over every file made); references that fail their check, unknown
/// payee accounts and unmatched credit notes go to the manual queue before booking; credit notes are set off.
final class PaymentFileTests: XCTestCase {
    typealias F = PaymentFixtures

    /// The documents of a mixed day, by name.
    func mixedDay() -> [(String, Data)] {
        [
            ("a-iban", F.document("A-1", supplier: "DK11111111", means: F.iban("DK5000400440116243", paymentID: "RF18539007547034"))),
            ("b-fik71", F.document("B-1", supplier: "DK22222222", means: F.fik("71", "000000002346526"))),
            ("c-fik75", F.document("C-1", supplier: "DK33333333", means: F.fik("75", "1234567890123452"))),
            ("d-giro04", F.document("D-1", supplier: "DK44444444", means: F.fik("04", "1234567890123452", creditor: "1234567"))),
            ("e-domestic", F.document("E-1", supplier: "DK55555555", means: F.domestic("0440116243", reg: "0040"))),
            ("f-kid", F.document("F-1", supplier: "NO986111111", means: F.domestic("86011117947", reg: nil, paymentID: "12345678903"), currency: "NOK")),
            ("g-eur", F.document("G-1", supplier: "DE77777777", means: F.iban("DE89370400440532013000", bic: "COBADEFFXXX"), currency: "EUR")),
            ("h-later", F.document("H-1", supplier: "DK88888888", means: F.iban("DK5000400440116243"), due: "2099-06-01")),
            ("i-bad-iban", F.document("I-1", supplier: "DK99999999", means: F.iban("DK5000400440116244"))),
            ("j-bad-fik", F.document("J-1", supplier: "DK12121212", means: F.fik("71", "000000002346527"))),
            ("k-bad-kid", F.document("K-1", supplier: "NO986222222", means: F.domestic("86011117947", paymentID: "12345678904"), currency: "NOK")),
            ("l-no-means", F.document("L-1", supplier: "DK13131313", means: "")),
        ]
    }

    /// A credit transfer to the supplier's account (code 58 and an IBAN) whose payment id is a FIK code line naming
    /// another creditor: which payee the supplier means is a person's call. Before, the code line won, and the money
    /// went to the creditor in the remittance text while the journal showed the IBAN. A code line naming the account
    /// itself, and the FIK means of PEPPOL (code 93), still pay.
    func testAFIKCodeLineNeverOverridesTheAccountTheInvoiceAsksToBePaidTo() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        let pipeline = try root.bookingPipeline()
        let r = try root.run(pipeline, [
            ("conflict", F.document("CL-1", supplier: "DK31000173", means: F.iban("DK5000400440116243", paymentID: "+71&lt;000000002346526+87654321&lt;"))),
            ("fik", F.document("CL-2", supplier: "DK22222222", means: F.fik("71", "000000002346526"))),
        ])
        XCTAssertEqual(r["conflict"]?.state, .manual)
        XCTAssertEqual(r["conflict"]?.reasonCode, "payment-means-conflict")
        XCTAssertTrue(r["conflict"]?.reasonMessage?.contains("creditor 87654321") == true, r["conflict"]?.reasonMessage ?? "")
        XCTAssertEqual(r["fik"]?.state, .booked)
        let paid = try F.checkedPayments(outbox: root.outbox)
        XCTAssertNil(paid[r["conflict"]!.id], "nothing paid to either payee")
        XCTAssertNotNil(paid[r["fik"]!.id])
    }

    /// An invoice (type 380, not a credit note) whose amount due is negative — allowed by EN 16931 — means the
    /// supplier owes the money. Only credit notes are set off against a supplier's next invoice, so booking it
    /// dropped the credit and the next invoice was paid in full: it goes to a person as `negative-invoice`.
    func testANegativeInvoiceIsNotBookedAsIfNothingWereOwed() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        let pipeline = try root.bookingPipeline()
        let negative = #"""
<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
<cbc:ID>K06</cbc:ID><cbc:IssueDate>2026-11-20</cbc:IssueDate>
<cbc:DueDate>2026-12-04</cbc:DueDate>
<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
<cbc:DocumentCurrencyCode>DKK</cbc:DocumentCurrencyCode>
<cbc:BuyerReference>ref-1</cbc:BuyerReference>
<cac:AccountingSupplierParty><cac:Party><cbc:EndpointID schemeID="0184">34000026</cbc:EndpointID>
<cac:PartyName><cbc:Name>Test Leverandør ApS</cbc:Name></cac:PartyName>
<cac:PostalAddress><cbc:StreetName>Vej 1</cbc:StreetName><cbc:CityName>Roskilde</cbc:CityName><cbc:PostalZone>4000</cbc:PostalZone><cac:Country><cbc:IdentificationCode>DK</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
<cac:PartyTaxScheme><cbc:CompanyID>DK34000026</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
<cac:PartyLegalEntity><cbc:RegistrationName>Test Leverandør ApS</cbc:RegistrationName><cbc:CompanyID schemeID="0184">34000026</cbc:CompanyID></cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>
<cac:AccountingCustomerParty><cac:Party><cbc:EndpointID schemeID="0088">5798000000995</cbc:EndpointID>
<cac:PostalAddress><cbc:CityName>Roskilde</cbc:CityName><cac:Country><cbc:IdentificationCode>DK</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
<cac:PartyLegalEntity><cbc:RegistrationName>Roskilde Kommune</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty>
<cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>
<cac:PayeeFinancialAccount><cbc:ID>DK3153040000004001</cbc:ID>
</cac:PayeeFinancialAccount>
</cac:PaymentMeans>
<cac:TaxTotal><cbc:TaxAmount currencyID="DKK">-200.00</cbc:TaxAmount>
<cac:TaxSubtotal><cbc:TaxableAmount currencyID="DKK">-800.00</cbc:TaxableAmount><cbc:TaxAmount currencyID="DKK">-200.00</cbc:TaxAmount><cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>
</cac:TaxTotal>
<cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID="DKK">-800.00</cbc:LineExtensionAmount><cbc:TaxExclusiveAmount currencyID="DKK">-800.00</cbc:TaxExclusiveAmount><cbc:TaxInclusiveAmount currencyID="DKK">-1000.00</cbc:TaxInclusiveAmount>
<cbc:PayableAmount currencyID="DKK">-1000.00</cbc:PayableAmount></cac:LegalMonetaryTotal>
<cac:InvoiceLine><cbc:ID>1</cbc:ID><cbc:InvoicedQuantity unitCode="EA">-1</cbc:InvoicedQuantity><cbc:LineExtensionAmount currencyID="DKK">-800.00</cbc:LineExtensionAmount><cac:Item><cbc:Name>Vare 1</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item><cac:Price><cbc:PriceAmount currencyID="DKK">800.00</cbc:PriceAmount></cac:Price></cac:InvoiceLine>
</Invoice>
"""#
        let r = try root.run(pipeline, [("negative", Data(negative.utf8))])
        XCTAssertEqual(r["negative"]?.state, .manual, "\(String(describing: r["negative"]))")
        XCTAssertEqual(r["negative"]?.reasonCode, "negative-invoice")
        XCTAssertTrue(r["negative"]?.reasonMessage?.contains("-1000.00 DKK") == true, r["negative"]?.reasonMessage ?? "")
        XCTAssertTrue(try F.checkedPayments(outbox: root.outbox).isEmpty)
    }

    func testAMixedDayBecomesSchemaValidPain00100103FilesBatchedPerDebtorAccountAndDate() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        let pipeline = try root.bookingPipeline()
        let r = try root.run(pipeline, mixedDay())
        for name in ["a-iban", "b-fik71", "c-fik75", "d-giro04", "e-domestic", "f-kid", "g-eur", "h-later"] { XCTAssertEqual(r[name]?.state, .booked, "\(name): \(String(describing: r[name]?.reasonMessage))") }
        for name in ["i-bad-iban", "j-bad-fik", "k-bad-kid"] {
            XCTAssertEqual(r[name]?.state, .manual, name)
            XCTAssertEqual(r[name]?.reasonCode, PaymentDeviation.referenceInvalid, name)
        }
        XCTAssertEqual(r["l-no-means"]?.reasonCode, PaymentDeviation.meansMissing)

        let paid = try F.checkedPayments(outbox: root.outbox)
        let ids = { (names: [String]) in Set(names.compactMap { r[$0]?.id }) }
        XCTAssertEqual(Set(paid.keys), ids(["a-iban", "b-fik71", "c-fik75", "d-giro04", "e-domestic", "f-kid", "g-eur"]), "the due ones paid, once each")
        XCTAssertNil(paid[r["h-later"]!.id], "due in 2099: waiting")
        for (id, p) in paid { XCTAssertEqual(p.amount, Amount(parsing: try XCTUnwrap(try pipeline.store.invoice(id)?.amountDue))!.rounded(2), id) }

        // Laid out as the Danish and Norwegian CGI practice: the FIK creditor (scheme OCR) with card type and payment
        // id as one SCOR reference, KID as SCOR, the Danish registration number.
        let file = try XCTUnwrap(Set(paid.values.map(\.file)).first)
        let xml = try String(contentsOfFile: root.outbox + "/bank/" + file, encoding: .utf8)
        for snippet in ["<Prtry>OCR</Prtry>", "<Ref>71/000000002346526</Ref>", "<Id>87654321</Id>", "<Ref>04/1234567890123452</Ref>", "<Cd>SCOR</Cd>", "<Ref>12345678903</Ref>",
                        "<Ref>RF18539007547034</Ref>", "<MmbId>0040</MmbId>", "<Cd>DKNCC</Cd>", "<IBAN>DK3730000000000001</IBAN>", "<ReqdExctnDt>"] {
            XCTAssertTrue(xml.contains(snippet), "\(snippet) in \(xml)")
        }
        let blocks = try F.read(root.outbox + "/bank/" + file).blocks
        XCTAssertEqual(Set(blocks.map(\.debtor)), ["DK5000400440116243", "DK3730000000000001"], "EUR from its own account")

        // The day's report: paid and waiting, and the files reconcile.
        let report = try DayReport(day: ReportDay.today(pipeline.config), config: pipeline.config, store: pipeline.store)
        let p = try XCTUnwrap(report.payments)
        XCTAssertTrue(p.ok, "\(p)")
        XCTAssertEqual(p.paidCount, 7)
        XCTAssertEqual(p.waitingCount, 1)
        XCTAssertEqual(p.filed, 7)
        XCTAssertEqual(p.inFiles, 7)
        XCTAssertTrue(report.ok)
    }

    /// An amount is written in its currency's minor unit (ISO 4217): yen with no decimals (a bank refuses
    /// `JPY 1656.00`), Kuwaiti dinar with three; the manifest and `payments list` likewise.
    func testAmountsAreWrittenInTheirCurrencysMinorUnit() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        let pipeline = try root.bookingPipeline()
        let r = try root.run(pipeline, [
            ("jpy", F.document("Y-1", supplier: "DE77777777", means: F.iban("DE89370400440532013000", bic: "COBADEFFXXX"), currency: "JPY")),
            ("kwd", F.document("W-1", supplier: "DE66666666", means: F.iban("DE89370400440532013000", bic: "COBADEFFXXX"), currency: "KWD")),
            ("dkk", F.document("D-1", supplier: "DK11111111", means: F.iban("DK5000400440116243"))),
        ])
        for name in ["jpy", "kwd", "dkk"] { XCTAssertEqual(r[name]?.state, .booked, "\(name): \(String(describing: r[name]?.reasonMessage))") }
        let paid = try F.checkedPayments(outbox: root.outbox)
        XCTAssertEqual(paid.count, 3)
        let file = try XCTUnwrap(paid.values.first?.file)
        let xml = try String(contentsOfFile: root.outbox + "/bank/" + file, encoding: .utf8)
        func instructed(_ currency: String) -> String? {
            guard let s = xml.range(of: "<InstdAmt Ccy=\"\(currency)\">"), let e = xml.range(of: "</InstdAmt>", range: s.upperBound..<xml.endIndex) else { return nil }
            return String(xml[s.upperBound..<e.lowerBound])
        }
        XCTAssertEqual(instructed("JPY"), "1656")
        XCTAssertEqual(instructed("KWD"), "1656.250")
        XCTAssertEqual(instructed("DKK"), "1656.25")
        let manifest = try XCTUnwrap(PaymentManifest.read(root.outbox + "/manifests/bank/" + file + ".manifest.json"))
        XCTAssertEqual(manifest.sums["JPY"]?.description, "1656")
        XCTAssertEqual(manifest.sums["KWD"]?.description, "1656.250")
        let list = try root.bilagSucceeding(["payments", "list"])
        XCTAssertTrue(list.stdout.contains("JPY 1656 ") || list.stdout.contains("JPY 1656\n"), list.stdout)
    }

    /// Payments due on different banking days within `days_ahead` go into one file, one PmtInf per execution date,
    /// each on the due date or the banking day after it.
    func testOnePmtInfPerExecutionDateEachOnABankingDay() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config(extra: ["days_ahead: 40"]))
        let pipeline = try root.bookingPipeline()
        let dk = BankCalendar(country: "DK")!, today = LocalDate.today()
        let dues = [today.adding(days: 10), today.adding(days: 10), today.adding(days: 25), dk.holidays(today.year).keys.filter { $0 > today }.min() ?? today.adding(days: 30)]
        let docs = dues.enumerated().map { ("due-\($0.offset)", F.document("D-\($0.offset)", supplier: "DK11111111", means: F.iban("DK5000400440116243"), due: $0.element.description)) }
        _ = try root.run(pipeline, docs)
        let paid = try F.checkedPayments(outbox: root.outbox)
        XCTAssertEqual(paid.count, dues.filter { today.days(until: dk.executionDate(due: $0, today: today)) <= 40 }.count)
        let blocks = try Set(paid.values.map(\.file)).flatMap { try F.read(root.outbox + "/bank/" + $0).blocks }
        let expected = Set(dues.map { dk.executionDate(due: $0, today: today) }.filter { today.days(until: $0) <= 40 }.map(\.description))
        XCTAssertEqual(Set(blocks.map(\.date)), expected)
        XCTAssertEqual(blocks.count, expected.count, "one PmtInf per debtor account and date")
        for b in blocks { XCTAssertTrue(dk.isBankingDay(LocalDate(parsing: b.date)!), b.date) }
    }

    func testPain00100109FilesAreValidAndCarryIBANPaymentsOnly() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config(version: "pain.001.001.09"))
        let pipeline = try root.bookingPipeline()
        let r = try root.run(pipeline, mixedDay())
        XCTAssertEqual(r["b-fik71"]?.reasonCode, PaymentDeviation.meansUnsupported, "FIK needs pain.001.001.03")
        XCTAssertEqual(r["d-giro04"]?.reasonCode, PaymentDeviation.meansUnsupported)
        let paid = try F.checkedPayments(outbox: root.outbox, version: "pain.001.001.09")
        XCTAssertEqual(Set(paid.keys), Set(["a-iban", "e-domestic", "f-kid", "g-eur"].compactMap { r[$0]?.id }))
        let xml = try String(contentsOfFile: root.outbox + "/bank/" + paid.values.first!.file, encoding: .utf8)
        XCTAssertTrue(xml.contains("<IBAN>NO9386011117947</IBAN>") && xml.contains("<IBAN>DK5000400440116243</IBAN>") && xml.contains("<BICFI>"), xml)
    }

    /// A Danish domestic account given with a BIC keeps its registration number: the creditor agent carries the BIC
    /// and the registration number (DKNCC) in pain.001.001.03 (the account as BBAN without it); .09 carries the BIC and
    /// the IBAN made from both. The files stay valid against the official XSDs.
    func testADanishDomesticAccountWithABICKeepsItsRegistrationNumber() throws {
        for version in ["pain.001.001.03", "pain.001.001.09"] {
            let root = try TemporaryRoot()
            try root.writeConfig(F.config(version: version))
            let pipeline = try root.bookingPipeline()
            let r = try root.run(pipeline, [
                ("dk-bic", F.document("D-1", supplier: "DK55555555", means: F.iban("00400440116243", bic: "DABADKKK", code: "30"))),
                ("dk-bic-spaced", F.document("D-2", supplier: "DK66666666", means: F.iban("0040 0440116243", bic: "NDEADKKK", code: "30"))),
            ])
            let paid = try F.checkedPayments(outbox: root.outbox, version: version)
            XCTAssertEqual(Set(paid.keys), Set(r.values.map(\.id)), version)
            let xml = try String(contentsOfFile: root.outbox + "/bank/" + paid.values.first!.file, encoding: .utf8)
            let agent = version.hasSuffix("03") ? "<BIC>DABADKKK</BIC>" : "<BICFI>DABADKKK</BICFI>"
            XCTAssertTrue(xml.contains(agent) && xml.contains("<BIC\(version.hasSuffix("03") ? "" : "FI")>NDEADKKK</"), xml)
            if version.hasSuffix("03") {
                XCTAssertEqual(xml.components(separatedBy: "<Cd>DKNCC</Cd>").count - 1, 2, xml)
                XCTAssertEqual(xml.components(separatedBy: "<MmbId>0040</MmbId>").count - 1, 2, xml)
                XCTAssertEqual(xml.components(separatedBy: "<Id>0440116243</Id>").count - 1, 2, xml)
            } else {
                XCTAssertEqual(xml.components(separatedBy: "<IBAN>DK5000400440116243</IBAN>").count - 1, 2 + 1, "both creditors and the debtor: \(xml)")
            }
        }
    }

    /// Half past midnight in Copenhagen is still yesterday in UTC: the requested execution date and the file's name
    /// follow the Danish date (an injected clock a day ahead, at 23:30 UTC; `close_after_minutes` keeps the pass's own
    /// flush, on the real clock, from filing first).
    func testTheExecutionDateAndFileNameFollowTheCountrysDateAroundMidnight() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config(extra: ["close_after_minutes: 60"]))
        let pipeline = try root.bookingPipeline()
        let r = try root.run(pipeline, [("a", F.document("T-1", supplier: "DK11111111", means: F.iban("DK5000400440116243"), due: "2017-12-01"))])
        XCTAssertEqual(try F.checkedPayments(outbox: root.outbox).count, 0, "not filed before it waited an hour")
        let tomorrowUTC = LocalDate.today(Date()).adding(days: 1)
        let now = try XCTUnwrap(Timestamp.date("\(tomorrowUTC)T23:30:00Z"))
        try pipeline.outbox.flush(pipeline.store, now: now)
        let danishToday = tomorrowUTC.adding(days: 1)
        let paid = try F.checkedPayments(outbox: root.outbox)
        let file = try XCTUnwrap(paid[try XCTUnwrap(r["a"]?.id)]?.file)
        XCTAssertTrue(file.hasPrefix("bank-\(danishToday)-"), file)
        let expected = BankCalendar(country: "DK")!.executionDate(due: nil, today: danishToday)
        XCTAssertEqual(try F.read(root.outbox + "/bank/" + file).blocks.map(\.date), [expected.description])
        XCTAssertEqual(try pipeline.store.payment(try XCTUnwrap(r["a"]?.id))?.requestedDate, expected.description)
    }

    func testAPaymentReferenceThatFailsItsCheckIsNeverBookedByAnOperatorEither() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        let pipeline = try root.bookingPipeline()
        let r = try root.run(pipeline, [("bad", F.document("X-1", supplier: "DK99999999", means: F.fik("75", "1234567890123453")))])
        let id = try XCTUnwrap(r["bad"]?.id)
        let q = ManualQueue(pipeline: pipeline)
        XCTAssertThrowsError(try q.approve(id, posting: .init(account: "5250", dimensions: ["costcentre": "4711"]), by: "alice")) { XCTAssertEqual(($0 as? BilagError)?.code, PaymentDeviation.referenceInvalid) }
        // Paid outside bilag: booked, never in a payment file.
        XCTAssertEqual(try q.approve(id, posting: .init(account: "5250", dimensions: ["costcentre": "4711"]), by: "alice", pay: false).state, .booked)
        try pipeline.outbox.flush(pipeline.store)
        XCTAssertTrue(try F.checkedPayments(outbox: root.outbox).isEmpty)
        XCTAssertEqual(try pipeline.store.payment(id)?.state, "not-paid")
    }

    func testANewPayeeAccountOfAKnownSupplierWaitsForAConfirmationByOneOperatorAndARetryByAnother() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        let pipeline = try root.bookingPipeline()
        // Master data: supplier DK11111111 is paid into DK50… ; supplier DK22222222 by FIK.
        let csv = "supplier;account;bic;note\nDK11111111;DK50 0040 0440 1162 43;DABADKKK;from the ERP\n22222222;FIK:87654321;;\n"
        XCTAssertEqual(try SupplierAccounts(pipeline: pipeline).importCSV(csv, file: "suppliers.csv", by: "alice"), 2)
        XCTAssertThrowsError(try SupplierAccounts(pipeline: pipeline).importCSV("supplier,account\nDK1,DK5000400440116244\n", file: "bad.csv", by: "alice"))
        XCTAssertEqual(try SupplierAccounts(pipeline: pipeline).importCSV("cvr,iban,swift,name\n33333333,GB29NWBK60161331926819,NWBKGB2L,Supplier Ltd\n", file: "erp.csv", by: "alice"), 1)
        XCTAssertEqual(try pipeline.store.payeeAccounts(supplier: F.key("33333333")).map(\.accountKey), ["IBAN:GB29NWBK60161331926819"])
        let r = try root.run(pipeline, [
            ("known", F.document("K-1", supplier: "DK11111111", means: F.iban("DK5000400440116243"))),
            ("known-domestic", F.document("K-2", supplier: "DK11111111", means: F.domestic("00400440116243"))),
            ("known-fik", F.document("K-3", supplier: "DK22222222", means: F.fik("71", "000000002346526"))),
            ("changed", F.document("K-4", supplier: "DK11111111", means: F.iban("NO9386011117947"))),
            ("changed-fik", F.document("K-5", supplier: "DK22222222", means: F.fik("71", "000000002346526", creditor: "81234567"))),
            ("new-supplier", F.document("N-1", supplier: "DK66666666", means: F.iban("DE89370400440532013000"))),
        ])
        XCTAssertEqual(r["known"]?.state, .booked)
        XCTAssertEqual(r["known-domestic"]?.state, .booked, "the IBAN's domestic account is the same account")
        XCTAssertEqual(r["known-fik"]?.state, .booked)
        XCTAssertEqual(r["new-supplier"]?.state, .booked, "a supplier with no known account: its first account is learnt")
        let changed = try XCTUnwrap(r["changed"])
        XCTAssertEqual(changed.reasonCode, PaymentDeviation.payeeAccountChanged)
        XCTAssertTrue(changed.reasonMessage?.contains("NO9386011117947") == true && changed.reasonMessage?.contains("IBAN DK5000400440116243") == true && changed.reasonMessage?.contains("imported since") == true, "old and new: \(changed.reasonMessage ?? "")")
        XCTAssertEqual(r["changed-fik"]?.reasonCode, PaymentDeviation.payeeAccountChanged)
        XCTAssertEqual(try pipeline.store.payeeAccounts(supplier: F.key("DK66666666")).map(\.source), ["paid"])

        // Another invoice of the new supplier into yet another account is held too.
        let r2 = try root.run(pipeline, [("new-supplier-2", F.document("N-2", supplier: "DK66666666", means: F.iban("GB29NWBK60161331926819", bic: "NWBKGB2L")))])
        XCTAssertEqual(r2["new-supplier-2"]?.reasonCode, PaymentDeviation.payeeAccountChanged)

        // Not paid before an operator confirms the account; the confirming operator cannot release the invoice.
        let q = ManualQueue(pipeline: pipeline)
        XCTAssertThrowsError(try q.approve(changed.id, posting: .init(account: "5250", dimensions: ["costcentre": "4711"]), by: "bob")) { XCTAssertEqual(($0 as? BilagError)?.code, PaymentDeviation.payeeAccountChanged) }
        XCTAssertEqual(try q.retry(changed.id, by: "bob").reasonCode, PaymentDeviation.payeeAccountChanged, "a retry before the confirmation holds it again")
        let confirmed = try SupplierAccounts(pipeline: pipeline).confirm(invoice: changed.id, by: "bob", note: "called the supplier on the number we hold")
        XCTAssertEqual([confirmed.source, confirmed.confirmedBy], ["confirmed", "operator:bob"])
        XCTAssertThrowsError(try q.retry(changed.id, by: "bob")) { XCTAssertEqual(($0 as? BilagError)?.code, "segregation-of-duties") }
        XCTAssertThrowsError(try q.approve(changed.id, posting: .init(account: "5250", dimensions: ["costcentre": "4711"]), by: "bob")) { XCTAssertEqual(($0 as? BilagError)?.code, "segregation-of-duties") }
        XCTAssertEqual(try q.retry(changed.id, by: "carol").state, .booked)
        XCTAssertTrue(try pipeline.store.auditRecords().contains { $0.action == "payee-account-confirmed" && $0.actor == "operator:bob" })
        XCTAssertTrue(try pipeline.store.events(changed.id).contains { $0.action == "payee-account-confirmed" })

        let paid = try F.checkedPayments(outbox: root.outbox)
        XCTAssertNotNil(paid[changed.id], "paid into the confirmed account once confirmed")
        XCTAssertNil(paid[r["changed-fik"]!.id])
    }

    /// (a) An import that adds a new account to a supplier already known is not trusted until another operator
    /// confirms it, and the importer cannot release an invoice paying into it (approve or retry).
    func testAnAccountImportedForAKnownSupplierNeedsAnotherOperatorsConfirmationAndTheImporterCannotRelease() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        let pipeline = try root.bookingPipeline()
        let accounts = SupplierAccounts(pipeline: pipeline), q = ManualQueue(pipeline: pipeline)
        XCTAssertEqual(try accounts.importCSV("supplier,account\nDK11111111,DK5000400440116243\n", file: "first.csv", by: "alice"), 1)
        let r = try root.run(pipeline, [("x", F.document("X-1", supplier: "DK11111111", means: F.iban("NO9386011117947")))])
        let x = try XCTUnwrap(r["x"])
        XCTAssertEqual(x.reasonCode, PaymentDeviation.payeeAccountChanged)
        // The same operator adds the invoice's account to the master data, then tries to release the invoice.
        XCTAssertEqual(try accounts.importCSV("supplier,account\nDK11111111,NO9386011117947\n", file: "more.csv", by: "alice"), 1)
        let added = try XCTUnwrap(try pipeline.store.payeeAccounts(supplier: F.key("DK11111111")).first { $0.accountKey.contains("86011117947") })
        XCTAssertEqual([added.source, added.importedBy], [PayeeAccountRecord.unconfirmed, "operator:alice"])
        XCTAssertThrowsError(try q.retry(x.id, by: "alice")) { XCTAssertEqual(($0 as? BilagError)?.code, "segregation-of-duties", "\($0)") }
        XCTAssertThrowsError(try q.approve(x.id, posting: .init(account: "5250", dimensions: ["costcentre": "4711"]), by: "alice")) { XCTAssertEqual(($0 as? BilagError)?.code, "segregation-of-duties", "\($0)") }
        // Another operator's retry holds it again: the imported account is not trusted before its confirmation.
        let again = try q.retry(x.id, by: "bob")
        XCTAssertEqual(again.reasonCode, PaymentDeviation.payeeAccountChanged)
        XCTAssertTrue(again.reasonMessage?.contains("awaiting confirmation") == true, again.reasonMessage ?? "")
        XCTAssertThrowsError(try accounts.confirm(invoice: x.id, by: "alice", note: nil)) { XCTAssertEqual(($0 as? BilagError)?.code, "segregation-of-duties", "\($0)") }
        let confirmed = try accounts.confirm(invoice: x.id, by: "bob", note: "phoned the supplier")
        XCTAssertEqual([confirmed.source, confirmed.confirmedBy], [PayeeAccountRecord.confirmed, "operator:bob"])
        XCTAssertEqual(try pipeline.store.payeeAccounts(supplier: F.key("DK11111111")).first { $0.accountKey.contains("86011117947") }?.source, PayeeAccountRecord.confirmed)
        // Another spelling of the same name is the same operator.
        for user in ["alice", "Alice", " ALICE ", "bob", "Bob"] {
            XCTAssertThrowsError(try q.retry(x.id, by: user), user) { XCTAssertEqual(($0 as? BilagError)?.code, "segregation-of-duties") }
        }
        XCTAssertEqual(try q.retry(x.id, by: "carol").state, .booked)
        XCTAssertNotNil(try F.checkedPayments(outbox: root.outbox)[x.id])
    }

    /// One supplier is one supplier however its invoices write it: the same invoice sent again without its legal
    /// identifier (BT-30 is optional; the VAT number then names the supplier) or with the CVR written `CVR 12345666`
    /// is the same invoice, and an account new to the supplier is held — not paid twice, nor paid unguarded.
    func testOneSupplierHasOneKeyHoweverItsInvoicesWriteIt() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        let pipeline = try root.bookingPipeline()
        func swedish(_ number: String, legalID: Bool, means: String) -> Data {
            var t = String(decoding: F.document(number, supplier: "5567321707", means: means, currency: "EUR"), as: UTF8.self)
            t = t.replacingOccurrences(of: "GB1232434", with: "SE556732170701")
            if !legalID { t = t.replacingOccurrences(of: "<cbc:CompanyID>5567321707</cbc:CompanyID>", with: "") }
            return Data(t.utf8)
        }
        let se = F.iban("SE4550000000058398257466", bic: "ESSESESS")
        XCTAssertEqual(try root.run(pipeline, [("s1", swedish("S-1", legalID: true, means: se))])["s1"]?.state, .booked)
        let again = try root.run(pipeline, [("s1-again", swedish("S-1", legalID: false, means: se))])["s1-again"]
        XCTAssertEqual(again?.reasonCode, ReasonCode.duplicateInvoice, again?.reasonMessage ?? "")
        let other = try root.run(pipeline, [("s2", swedish("S-2", legalID: false, means: F.iban("DE89370400440532013000", bic: "COBADEFFXXX")))])["s2"]
        XCTAssertEqual(other?.reasonCode, PaymentDeviation.payeeAccountChanged, other?.reasonMessage ?? "")

        XCTAssertEqual(try root.run(pipeline, [("dk", F.document("D-1", supplier: "12345666", means: F.iban("DK5000400440116243")))])["dk"]?.state, .booked)
        for (n, spelling) in ["CVR 12345666", "DK-12345666", "0184:12345666"].enumerated() {
            let r = try root.run(pipeline, [("dk-\(n)", F.document("D-1", supplier: spelling, means: F.iban("DK5000400440116243")))])["dk-\(n)"]
            XCTAssertEqual(r?.reasonCode, ReasonCode.duplicateInvoice, "\(spelling): \(r?.reasonMessage ?? "")")
        }
    }

    /// An account is confirmed only through an invoice that waits for it: one rejected (as a fraud attempt) or booked
    /// and paid does not speak for its account, and the supplier's next invoice into it is held as before.
    func testAnAccountIsNotConfirmedThroughARejectedInvoice() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        let pipeline = try root.bookingPipeline()
        let accounts = SupplierAccounts(pipeline: pipeline), q = ManualQueue(pipeline: pipeline)
        XCTAssertEqual(try root.run(pipeline, [("a", F.document("A-1", supplier: "DK77777777", means: F.iban("DK5000400440116243")))])["a"]?.state, .booked)
        let x = try XCTUnwrap(try root.run(pipeline, [("x", F.document("X-1", supplier: "DK77777777", means: F.iban("NO9386011117947")))])["x"])
        XCTAssertEqual(x.reasonCode, PaymentDeviation.payeeAccountChanged)
        _ = try q.reject(x.id, code: .returnedToSupplier, by: "alice", note: "not the supplier account: fraud attempt")
        XCTAssertThrowsError(try accounts.confirm(invoice: x.id, by: "bob", note: nil)) { XCTAssertEqual(($0 as? BilagError)?.code, "invalid-state", "\($0)") }
        let a = try XCTUnwrap(try pipeline.store.invoices(limit: 10).first { $0.invoiceNumber == "A-1" })
        XCTAssertThrowsError(try accounts.confirm(invoice: a.id, by: "bob", note: nil)) { XCTAssertEqual(($0 as? BilagError)?.code, "invalid-state", "\($0)") }
        let y = try XCTUnwrap(try root.run(pipeline, [("y", F.document("Y-1", supplier: "DK77777777", means: F.iban("NO9386011117947")))])["y"])
        XCTAssertEqual(y.reasonCode, PaymentDeviation.payeeAccountChanged, "the account is still not trusted")
    }

    /// (b) An operator who confirmed an account through one invoice cannot release another invoice of the same supplier
    /// paying into it, whatever that invoice waits in the queue for.
    func testAnOperatorWhoConfirmedAnAccountCannotReleaseAnotherInvoicePayingIntoIt() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        let pipeline = try Pipeline(config: try ConfigLoader.load(root: root.path, environment: [:]), decider: ManualForNumbers(prefix: "M-"))
        try pipeline.recover()
        let accounts = SupplierAccounts(pipeline: pipeline), q = ManualQueue(pipeline: pipeline)
        XCTAssertEqual(try accounts.importCSV("supplier,account\nDK11111111,DK5000400440116243\n", file: "first.csv", by: "alice"), 1)
        let r = try root.run(pipeline, [("y", F.document("Y-1", supplier: "DK11111111", means: F.iban("NO9386011117947")))])
        let y = try XCTUnwrap(r["y"])
        XCTAssertEqual(y.reasonCode, PaymentDeviation.payeeAccountChanged)
        _ = try accounts.confirm(invoice: y.id, by: "bob", note: nil)
        // X arrives after the confirmation and waits for another reason (its robot sent it to manual).
        let x = try XCTUnwrap(try root.run(pipeline, [("x", F.document("M-2", supplier: "DK11111111", means: F.iban("NO9386011117947")))])["x"])
        XCTAssertEqual(x.reasonCode, "needs-a-person")
        XCTAssertThrowsError(try q.approve(x.id, posting: .init(account: "5250", dimensions: ["costcentre": "4711"]), by: "bob")) { XCTAssertEqual(($0 as? BilagError)?.code, "segregation-of-duties", "\($0)") }
        XCTAssertThrowsError(try q.retry(x.id, by: "bob")) { XCTAssertEqual(($0 as? BilagError)?.code, "segregation-of-duties", "\($0)") }
        // Into the supplier's other account, bob may release an invoice; and carol may release X.
        let z = try XCTUnwrap(try root.run(pipeline, [("z", F.document("M-3", supplier: "DK11111111", means: F.iban("DK5000400440116243")))])["z"])
        XCTAssertEqual(try q.approve(z.id, posting: .init(account: "5250", dimensions: ["costcentre": "4711"]), by: "bob").state, .booked)
        XCTAssertEqual(try q.approve(x.id, posting: .init(account: "5250", dimensions: ["costcentre": "4711"]), by: "carol").state, .booked)
    }

    /// Accounts are known from bookings the payments writer has not taken up yet: a second invoice of a new supplier
    /// into another account, booked before the next flush, is held; and at take-up an account new for a supplier known
    /// by then (here: imported meanwhile) is blocked as payee-account-changed and listed, never paid.
    func testTheFraudGuardKnowsAccountsOfBookingsNotYetTakenUpAndChecksAgainAtTakeUp() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        let pipeline = try root.bookingPipeline()
        pipeline.flushing = NoFlush()
        let a = try XCTUnwrap(try root.run(pipeline, [("a", F.document("A-1", supplier: "DK77777777", means: F.iban("DK5000400440116243")))])["a"])
        XCTAssertEqual(a.state, .booked)
        let b = try XCTUnwrap(try root.run(pipeline, [("b", F.document("B-1", supplier: "DK77777777", means: F.iban("NO9386011117947")))])["b"])
        XCTAssertEqual(b.reasonCode, PaymentDeviation.payeeAccountChanged, "A's account is known before A was taken up")
        XCTAssertTrue(b.reasonMessage?.contains("DK5000400440116243") == true, b.reasonMessage ?? "")

        // A new supplier's invoice booked; its master data (another account) imported before the writer takes it up.
        let c = try XCTUnwrap(try root.run(pipeline, [("c", F.document("C-1", supplier: "DK88888888", means: F.iban("DE89370400440532013000", bic: "COBADEFFXXX")))])["c"])
        XCTAssertEqual(c.state, .booked)
        XCTAssertEqual(try SupplierAccounts(pipeline: pipeline).importCSV("supplier,account\nDK88888888,GB29NWBK60161331926819\n", file: "erp.csv", by: "alice"), 1)
        try pipeline.outbox.flush(pipeline.store)
        let paid = try F.checkedPayments(outbox: root.outbox)
        XCTAssertEqual(Set(paid.keys), [a.id])
        let blocked = try XCTUnwrap(try pipeline.store.payment(c.id))
        XCTAssertEqual(blocked.state, "blocked")
        XCTAssertTrue(blocked.reason?.hasPrefix(PaymentDeviation.payeeAccountChanged) == true, blocked.reason ?? "")
        XCTAssertEqual(try pipeline.store.payeeAccounts(supplier: F.key("DK88888888")).map(\.accountKey), ["IBAN:GB29NWBK60161331926819"], "a blocked account is not learnt")
        let report = try XCTUnwrap(try DayReport(day: ReportDay.today(pipeline.config), config: pipeline.config, store: pipeline.store).payments)
        XCTAssertTrue(report.blocked.contains { $0.hasPrefix(c.id) && $0.contains(PaymentDeviation.payeeAccountChanged) }, "\(report.blocked)")
    }

    /// The fraud guard within one batch: invoices of a new supplier into two accounts, arriving together (one pass, one
    /// batch), are not all booked to be paid — those into an account other than the first booked one's are held as
    /// payee-account-changed, as they are when they arrive a pass apart, and the payments writer then pays what was
    /// booked and blocks nothing. And a credit note arriving with its supplier's open invoice finds it.
    func testTheFraudGuardAndSetOffSeeEarlierBookingsOfTheSameBatch() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config(extra: ["days_ahead: 0"]))
        let pipeline = try root.bookingPipeline()
        pipeline.flushing = NoFlush()
        let accounts = ["a": "DK5000400440116243", "b": "NO9386011117947", "c": "DK5000400440116243", "d": "NO9386011117947"]
        let r = try root.run(pipeline, accounts.keys.sorted().map { ($0, F.document("\($0.uppercased())-1", supplier: "DK77777777", means: F.iban(accounts[$0]!))) })
        let booked = accounts.keys.filter { r[$0]?.state == .booked }
        XCTAssertEqual(Set(booked.map { accounts[$0]! }).count, 1, "one account is paid: \(booked)")
        XCTAssertEqual(booked.count, 2, "\(booked)")
        for name in accounts.keys where !booked.contains(name) {
            XCTAssertEqual(r[name]?.reasonCode, PaymentDeviation.payeeAccountChanged, name)
            XCTAssertTrue(r[name]?.reasonMessage?.contains(accounts[booked[0]]!) == true, r[name]?.reasonMessage ?? "")
        }
        try pipeline.outbox.flush(pipeline.store)
        for name in booked { XCTAssertEqual(try pipeline.store.payment(r[name]!.id)?.state, "open", "\(name) is taken up to be paid, not blocked") }

        let r2 = try root.run(pipeline, [
            ("s1-inv", F.document("S-1", supplier: "DK11111111", means: F.iban("DK5000400440116243"), due: "2099-06-01")),
            ("s2-credit", F.document("S-3", supplier: "DK11111111", means: F.iban("DK5000400440116243"), credit: true)),
        ])
        XCTAssertEqual(r2["s1-inv"]?.state, .booked)
        XCTAssertEqual(r2["s2-credit"]?.state, .booked, r2["s2-credit"]?.reasonMessage ?? "")
        try pipeline.outbox.flush(pipeline.store)
        XCTAssertEqual(try pipeline.store.payment(r2["s1-inv"]!.id)?.openAmount, Amount(parsing: "0"), "the credit note is set off against the invoice")
    }

    func testCreditNotesAreSetOffAgainstOpenInvoicesOfTheSameSupplier() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config(extra: ["days_ahead: 0"]))
        let pipeline = try root.bookingPipeline()
        let means = F.iban("DK5000400440116243")
        // Two invoices due later (open), then a credit note of the same supplier for as much as one of them, and one
        // of a supplier with nothing open.
        let r = try root.run(pipeline, [
            ("inv1", F.document("S-1", supplier: "DK11111111", means: means, due: "2099-06-01")),
            ("inv2", F.document("S-2", supplier: "DK11111111", means: means, due: "2099-06-02")),
        ])
        let r2 = try root.run(pipeline, [
            ("credit", F.document("S-3", supplier: "DK11111111", means: means, credit: true)),
            ("stray-credit", F.document("S-4", supplier: "DK77777777", means: means, credit: true)),
        ])
        let inv1 = try XCTUnwrap(r["inv1"]), inv2 = try XCTUnwrap(r["inv2"]), credit = try XCTUnwrap(r2["credit"])
        XCTAssertEqual(credit.state, .booked, "\(credit.reasonCode ?? "")")
        XCTAssertEqual(r2["stray-credit"]?.reasonCode, PaymentDeviation.creditNoteUnmatched)
        // The earliest due is set off first: settled in full, the other still open in full.
        XCTAssertEqual(try pipeline.store.payment(inv1.id)?.state, "settled")
        XCTAssertEqual(try pipeline.store.payment(inv2.id)?.state, "open")
        XCTAssertEqual(try pipeline.store.payment(inv2.id)?.openAmount, Amount(parsing: "1656.25"))
        XCTAssertEqual(try pipeline.store.payment(credit.id)?.state, "settled")
        XCTAssertTrue(try F.checkedPayments(outbox: root.outbox).isEmpty, "nothing due yet")

        // On its due date the open one is paid; the settled invoice and the credit note are in no file.
        try pipeline.outbox.flush(pipeline.store, now: try XCTUnwrap(Timestamp.date("2099-06-02T08:00:00Z")))
        let paid = try F.checkedPayments(outbox: root.outbox)
        XCTAssertEqual(Set(paid.keys), [inv2.id])
        XCTAssertEqual(paid[inv2.id]?.amount, Amount(parsing: "1656.25"))
        let file = try XCTUnwrap(paid[inv2.id]?.file)
        XCTAssertTrue(file.hasPrefix("bank-2099-06-02-"), file)
        XCTAssertTrue(try String(contentsOfFile: root.outbox + "/bank/" + file, encoding: .utf8).contains("<ReqdExctnDt>2099-06-02</ReqdExctnDt>"))
        let report = try XCTUnwrap(try DayReport(date: "2099-06-02", config: pipeline.config, store: pipeline.store).payments)
        XCTAssertTrue(report.ok, "\(report)")
        XCTAssertEqual([report.paidCount, report.settledCount], [1, 1])
        // An operator may approve the stray credit note: its credit is held for the supplier's next invoice.
        XCTAssertEqual(try ManualQueue(pipeline: pipeline).approve(r2["stray-credit"]!.id, posting: .init(account: "5250", dimensions: ["costcentre": "4711"]), by: "alice").state, .booked)
        XCTAssertEqual(try pipeline.store.payment(r2["stray-credit"]!.id)?.state, "held")
    }

    /// Partial set-offs: a credit larger than one invoice spreads over the next, and what is left is held.
    func testASetOffSpreadsOverInvoicesAndHoldsWhatIsLeft() throws {
        let root = try TemporaryRoot()
        let store = try root.store()
        func row(_ id: String, _ seq: Int64, _ kind: DocumentKind, _ amount: String, due: String? = nil, supplier: String = "S", currency: String = "DKK") -> PaymentRecord {
            PaymentRecord(invoiceID: id, seq: seq, state: kind == .creditNote ? "held" : "open", documentKind: kind.rawValue, supplierKey: supplier, supplierName: nil, invoiceNumber: id,
                          currency: currency, amount: Amount(parsing: amount)!, dueDate: due, accountKey: nil, instruction: nil, reason: nil)
        }
        // Bookings the rows refer to.
        for (i, id) in ["a", "b", "c", "d", "e"].enumerated() {
            try store.recordClaims([ClaimRecord(id: id, channel: "peppol", sourcePath: "/x/\(id)", storedPath: "o/\(id)", sha256: "\(i)", size: 1, receivedAt: Timestamp.string())])
        }
        var outcomes: [Outcome] = []
        for id in ["a", "b", "c", "d", "e"] {
            var o = Outcome(invoiceID: id, state: .booked, actor: "robot:t@1", action: "booked")
            o.booked = BookedInvoice(invoiceID: id, bookedAt: "", bookedBy: "robot:t@1", postings: [])
            outcomes.append(o)
        }
        _ = try store.apply(outcomes)
        try store.startPayments("bank")
        try store.takeUpPayments("bank", [row("a", 1, .invoice, "100.00", due: "2030-01-01"), row("b", 2, .invoice, "250.00", due: "2030-02-01"),
                                          row("c", 3, .invoice, "70.00", supplier: "OTHER"), row("d", 4, .creditNote, "300.00"), row("e", 5, .creditNote, "10.00", currency: "EUR")],
                                 labels: [:], through: 5)
        let made = try store.setOffCredits()
        XCTAssertEqual(made.map { "\($0.credit)>\($0.invoice):\($0.amount)" }, ["d>a:100.00", "d>b:200.00"])
        XCTAssertEqual(try store.payment("a")?.state, "settled")
        XCTAssertEqual(try store.payment("b")?.openAmount, Amount(parsing: "50"))
        XCTAssertEqual(try store.payment("c")?.openAmount, Amount(parsing: "70"), "another supplier's invoice is untouched")
        XCTAssertEqual(try store.payment("d")?.state, "settled")
        XCTAssertEqual(try store.payment("e")?.state, "held", "nothing in EUR to set off against")
    }

    /// A pipeline (`days_ahead: 0`) with two invoices of one supplier booked, due in 2099: nothing filed yet.
    func twoBookedForLater(_ root: TemporaryRoot, _ prefix: String) throws -> (Pipeline, PaymentFiles, String, String) {
        try root.writeConfig(F.config(extra: ["days_ahead: 0"]))
        let pipeline = try root.bookingPipeline()
        let r = try root.run(pipeline, [
            ("one", F.document("\(prefix)-1", supplier: "DK11111111", means: F.iban("DK5000400440116243"), due: "2099-06-01")),
            ("two", F.document("\(prefix)-2", supplier: "DK11111111", means: F.iban("DK5000400440116243"), due: "2099-06-01")),
        ])
        return (pipeline, try XCTUnwrap(pipeline.outbox.payments), try XCTUnwrap(r["one"]?.id), try XCTUnwrap(r["two"]?.id))
    }

    /// The two moments a writer can die at, made on purpose: after its payments were filed in a pending file but before
    /// the file was written (the next flush writes that file, with those payments, and no other), and after the file
    /// appeared but before the store recorded it (the next flush finds the same bytes and records it).
    func testAFileFiledButNotWrittenOrWrittenButNotRecordedIsFinishedOnceAtTheNextFlush() throws {
        let root = try TemporaryRoot()
        let (pipeline, payments, one, two) = try twoBookedForLater(root, "W")
        let store = pipeline.store
        // Killed after filing `one`: a pending file, no bytes.
        let pending = try XCTUnwrap(try store.filePayments("bank", [(one, "2099-06-01")], name: { "bank-2099-05-30-\(String(format: "%012d", $0)).xml" }, now: "2099-05-30T10:00:00Z"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.outbox + "/bank/" + pending.name))
        try pipeline.outbox.flush(store, now: try XCTUnwrap(Timestamp.date("2099-05-30T10:00:01Z")))
        var paid = try F.checkedPayments(outbox: root.outbox)
        XCTAssertEqual(Set(paid.keys), [one], "the pending file holds exactly what was filed in it; two is not due yet")
        XCTAssertEqual(paid[one]?.file, pending.name)

        // Killed after linking `two`'s file, before recording it (and before its manifest took its name).
        let second = try XCTUnwrap(try store.filePayments("bank", [(two, "2099-06-01")], name: { "bank-2099-05-31-\(String(format: "%012d", $0)).xml" }, now: "2099-05-31T10:00:00Z"))
        let bytes = try Pain001Document(settings: payments.settings).render(file: second, payments: try store.payments(inFile: second.name))
        try bytes.write(to: URL(fileURLWithPath: root.outbox + "/bank/" + second.name))
        try pipeline.outbox.flush(store, now: try XCTUnwrap(Timestamp.date("2099-06-01T10:00:00Z")))
        paid = try F.checkedPayments(outbox: root.outbox)
        XCTAssertEqual(Set(paid.keys), [one, two])
        XCTAssertEqual(paid[two]?.file, second.name)
        XCTAssertEqual(try store.paymentFiles("bank").map(\.state), ["written", "written"])
        // Flushing again changes nothing.
        try pipeline.outbox.flush(store, now: try XCTUnwrap(Timestamp.date("2099-06-02T10:00:00Z")))
        XCTAssertEqual(try F.checkedPayments(outbox: root.outbox).count, 2)
        XCTAssertTrue(try XCTUnwrap(try DayReport(date: "2099-05-30", config: pipeline.config, store: store).payments).ok)
    }

    /// Killed after the file was published (linked, its manifest at its final name) and before the store recorded it;
    /// the bank then collected the file. The next flush records it written and makes no second file; a manifest that
    /// does not describe the store's file stops the writer.
    func testAFilePublishedButNotRecordedAndCollectedByTheBankIsNeverWrittenAgain() throws {
        let root = try TemporaryRoot()
        let (pipeline, payments, one, two) = try twoBookedForLater(root, "P")
        let store = pipeline.store
        func publish(_ id: String, day: String, manifestFor: ((PaymentFileRecord, [PaymentRecord], Data) -> PaymentManifest)? = nil) throws -> PaymentFileRecord {
            let f = try XCTUnwrap(try store.filePayments("bank", [(id, "2099-06-01")], name: { "bank-\(day)-\(String(format: "%012d", $0)).xml" }, now: day + "T10:00:00Z"))
            let filed = try store.payments(inFile: f.name)
            let bytes = try Pain001Document(settings: payments.settings).render(file: f, payments: filed)
            let manifest = manifestFor?(f, filed, bytes) ?? PaymentManifest(file: f.name, writer: "bank", version: payments.settings.version.rawValue, payments: filed, data: bytes, writtenAt: f.createdAt)
            try FileManager.default.createDirectory(atPath: payments.manifestDirectory, withIntermediateDirectories: true)
            try manifest.encoded().write(to: URL(fileURLWithPath: payments.manifestPath(f.name)))
            // The bank collected the file from the folder before the writer came back.
            try? FileManager.default.removeItem(atPath: payments.directory + "/" + f.name)
            return f
        }
        let first = try publish(one, day: "2099-05-30")
        try pipeline.outbox.flush(store, now: try XCTUnwrap(Timestamp.date("2099-05-30T10:00:01Z")))
        XCTAssertEqual(((try? FileManager.default.contentsOfDirectory(atPath: payments.directory)) ?? []).filter(payments.isOwnFile), [], "a published file is never made again")
        XCTAssertEqual(try store.paymentFiles("bank").map(\.state), ["written"])
        XCTAssertEqual(try store.payment(one)?.file, first.name)
        XCTAssertEqual(try store.payments(inFile: first.name).map(\.invoiceID), [one], "filed once")
        try pipeline.outbox.flush(store, now: try XCTUnwrap(Timestamp.date("2099-05-30T10:00:02Z")))
        XCTAssertEqual(((try? FileManager.default.contentsOfDirectory(atPath: payments.directory)) ?? []).filter(payments.isOwnFile), [])

        // A final manifest that does not describe the store's file: stop, write nothing.
        let second = try publish(two, day: "2099-05-31") { f, filed, _ in
            PaymentManifest(file: f.name, writer: "bank", version: payments.settings.version.rawValue, payments: filed, data: Data("other bytes".utf8), writtenAt: f.createdAt)
        }
        XCTAssertThrowsError(try pipeline.outbox.flush(store, now: try XCTUnwrap(Timestamp.date("2099-05-31T10:00:01Z")))) { error in
            XCTAssertEqual((error as? BilagError)?.code, "payment-file-conflict", "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: payments.directory + "/" + second.name))
        XCTAssertEqual(try store.paymentFiles("bank").map(\.state), ["written", "pending"])
    }

    /// A file filed but not written (the write failed: here a directory in the way of its pending manifest), then the
    /// settings changed (another debtor name, and pain.001.001.09, which cannot carry its FIK payment): the file is
    /// written as it was filed, with the settings of that moment, not from the current ones.
    /// A payment the writer cannot carry under its settings now (a FIK payment waiting for its date when the bank
    /// moved to pain.001.001.09) is blocked with its reason and listed; the other payments due are paid, not held
    /// behind it.
    func testAPaymentTheWriterCannotCarryIsBlockedAndTheOthersArePaid() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config(extra: ["days_ahead: 0"]))
        var pipeline = try root.bookingPipeline()
        let fik = try XCTUnwrap(try root.run(pipeline, [("fik", F.document("S-1", supplier: "DK22222222", means: F.fik("71", "000000002346526"), due: "2099-06-03"))])["fik"]?.id)
        try pipeline.outbox.flush(pipeline.store, now: try XCTUnwrap(Timestamp.date("2099-05-01T10:00:00Z")))
        XCTAssertEqual(try pipeline.store.payment(fik)?.state, "open", "waiting for its date")

        try root.writeConfig(F.config(version: "pain.001.001.09", extra: ["days_ahead: 40"]))
        pipeline = try root.bookingPipeline()
        let iban = try XCTUnwrap(try root.run(pipeline, [("iban", F.document("S-2", supplier: "DK11111111", means: F.iban("DK5000400440116243"), due: "2099-06-07"))])["iban"]?.id)
        try pipeline.outbox.flush(pipeline.store, now: try XCTUnwrap(Timestamp.date("2099-06-01T10:00:00Z")))
        XCTAssertNotNil(try pipeline.store.payment(iban)?.file, "the IBAN payment is filed")
        let blocked = try XCTUnwrap(try pipeline.store.payment(fik))
        XCTAssertEqual(blocked.state, "blocked")
        XCTAssertTrue(blocked.reason?.hasPrefix(PaymentDeviation.meansUnsupported) == true, blocked.reason ?? "")
        let listed = try root.bilagSucceeding(["payments", "list", "--state", "blocked"])
        XCTAssertTrue(listed.stdout.contains(fik), listed.stdout)
    }

    /// A payment a credit note reduced, then cancelled (returned to the supplier, not to be paid): the credit goes back
    /// on hold and reduces the supplier's next invoice — it is not used up by a payment never made.
    func testCancellingAPaymentACreditNoteReducedReturnsTheCredit() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config(extra: ["days_ahead: 0"]))
        let pipeline = try root.bookingPipeline()
        let means = F.iban("DK5000400440116243")
        // A credit note of 406.25 (the corpus example with a larger credited line).
        var credit = String(decoding: F.document("C-1", supplier: "DK11111111", means: means, credit: true), as: UTF8.self)
        for (from, to) in [(">-3<", ">-5<"), (">-1500<", ">-2500<"), (">1300<", ">300<"), (">1325<", ">325<"), (">331.25<", ">81.25<"), (">1656.25<", ">406.25<")] {
            credit = credit.replacingOccurrences(of: from, with: to)
        }
        let b1 = try XCTUnwrap(try root.run(pipeline, [("b1", F.document("B-1", supplier: "DK11111111", means: means, due: "2099-06-01"))])["b1"]?.id)
        let c = try root.run(pipeline, [("c1", Data(credit.utf8))])["c1"]
        XCTAssertEqual(c?.state, .booked, c?.reasonMessage ?? "")
        let cid = try XCTUnwrap(c?.id)
        try pipeline.outbox.flush(pipeline.store)
        XCTAssertEqual(try pipeline.store.payment(b1)?.openAmount, Amount(parsing: "1250.00"))
        XCTAssertEqual(try pipeline.store.payment(cid)?.state, "settled")

        XCTAssertEqual(try BlockedPayments(pipeline: pipeline).cancel(b1, by: "alice", note: "returned to the supplier, not to be paid").state, "not-paid")
        let back = try XCTUnwrap(try pipeline.store.payment(cid))
        XCTAssertEqual([back.state, back.openAmount.description], ["held", "406.25"], "the credit is held again")
        let b2 = try XCTUnwrap(try root.run(pipeline, [("b2", F.document("B-2", supplier: "DK11111111", means: means, due: "2099-06-02"))])["b2"]?.id)
        try pipeline.outbox.flush(pipeline.store)
        XCTAssertEqual(try pipeline.store.payment(b2)?.openAmount, Amount(parsing: "1250.00"), "the next invoice is reduced by the credit")
    }

    func testAPendingFileIsWrittenAsFiledAfterTheSettingsChanged() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config(extra: ["days_ahead: 0"]))
        var pipeline = try root.bookingPipeline()
        let r = try root.run(pipeline, [("fik", F.document("S-1", supplier: "DK22222222", means: F.fik("71", "000000002346526"), due: "2099-06-03"))])
        let id = try XCTUnwrap(r["fik"]?.id)
        let name = "bank-2099-06-03-000000000001.xml"
        let blocker = root.outbox + "/bank/.publishing-" + name   // the file cannot be staged
        try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: true)
        XCTAssertThrowsError(try pipeline.outbox.flush(pipeline.store, now: try XCTUnwrap(Timestamp.date("2099-06-03T10:00:00Z"))))
        XCTAssertEqual(try pipeline.store.paymentFiles("bank").map { [$0.name, $0.state] }, [[name, "pending"]])
        try FileManager.default.removeItem(atPath: blocker)

        try root.writeConfig(F.config(version: "pain.001.001.09", extra: ["days_ahead: 0"]).replacingOccurrences(of: "Aarhus Kommune", with: "Aarhus Kommune, Borgerservice"))
        pipeline = try root.bookingPipeline()
        try pipeline.outbox.flush(pipeline.store, now: try XCTUnwrap(Timestamp.date("2099-06-03T10:05:00Z")))
        let paid = try F.checkedPayments(outbox: root.outbox)
        XCTAssertEqual(paid[id]?.file, name)
        let xml = try String(contentsOfFile: root.outbox + "/bank/" + name, encoding: .utf8)
        XCTAssertTrue(xml.contains("<Nm>Aarhus Kommune</Nm>") && xml.contains("pain.001.001.03") && xml.contains("<Prtry>OCR</Prtry>"), xml)
        XCTAssertEqual(PaymentManifest.read(pipeline.outbox.payments!.manifestPath(name))?.version, "pain.001.001.03")
        XCTAssertEqual(try pipeline.store.paymentFiles("bank").map(\.state), ["written"])
        XCTAssertNil(try pipeline.store.paymentFileContent(name), "the kept bytes go once the file is written")
    }

    func testPaymentsStartAfterTheBookingsMadeBeforeThemAndTheSettingsAreChecked() throws {
        let root = try TemporaryRoot()
        try root.writeConfig("intake:\n  readiness: rename\n")
        let before = try root.bookingPipeline()
        _ = try root.run(before, [("old", F.document("O-1", supplier: "DK11111111", means: F.iban("DK5000400440116243")))])
        try root.writeConfig(F.config())
        let pipeline = try root.bookingPipeline()
        let r = try root.run(pipeline, [("new", F.document("O-2", supplier: "DK11111111", means: F.iban("DK5000400440116243")))])
        XCTAssertEqual(Set(try F.checkedPayments(outbox: root.outbox).keys), [r["new"]!.id], "a booking made before payments were set up is never paid by bilag")

        for (yaml, says) in [
            ("debtor_iban: \"DK5000400440116244\"", "debtor_iban"), ("version: pain.001.001.02", "version"), ("days_ahead: -1", "days_ahead"), ("debtor_bic: \"X\"", "BIC"),
            ("colour: blue", "unknown setting"),
        ] {
            var config = F.config(extra: [yaml])
            if yaml.hasPrefix("debtor_iban") { config = config.replacingOccurrences(of: "      debtor_iban: \"DK5000400440116243\"\n", with: "") }
            if yaml.hasPrefix("debtor_bic") { config = config.replacingOccurrences(of: "      debtor_bic: \"DABADKKK\"\n", with: "") }
            try root.writeConfig(config)
            XCTAssertThrowsError(try ConfigLoader.load(root: root.path, environment: [:]), yaml) { XCTAssertTrue("\($0)".contains(says), "\(yaml): \($0)") }
        }
    }
}
