import BilagCore
import BilagOutbox
import BilagStore
import XCTest

/// The payment references bilag pays to, checked: IBAN (mod 97), Danish FIK/giro (card types, creditor number,
/// payment id with its modulus-10 check digit, in PEPPOL, OIOUBL and code-line form), Norwegian KID (mod 10 or 11)
/// and accounts (mod 11), RF references; a reference that fails is a deviation, never a guess.
final class PaymentReferenceTests: XCTestCase {
    func booked(_ means: BookedInvoiceDetails.PaymentMeans, currency: String = "DKK", number: String = "F-1") -> BookedInvoice {
        var d = BookedInvoiceDetails()
        d.payment = means
        return BookedInvoice(invoiceID: "I1", bookedAt: "", bookedBy: "", supplierKey: "S1", supplierName: "Leverandør A/S", invoiceNumber: number, currency: currency,
                             amountDue: Amount(100), postings: [], details: d)
    }

    func instruction(_ m: BookedInvoiceDetails.PaymentMeans, currency: String = "DKK", country: String = "DK") -> Result<PayeeInstruction, PaymentDeviation> {
        PayeeInstruction.of(booked(m, currency: currency), country: country)
    }

    func deviation(_ r: Result<PayeeInstruction, PaymentDeviation>) -> String? {
        if case let .failure(d) = r { return d.code }
        return nil
    }

    /// The example IBAN of each country in the SWIFT IBAN registry passes, at its registered length; one a digit longer
    /// or shorter fails, even with its check digits made right (the length table is the registry's: SE is 24, not 28).
    func testIBANLengthsAreTheRegistrysForEveryCountryBilagKnows() {
        let registry = ["SE4550000000058398257466", "FI2112345600000785", "NL91ABNA0417164300", "FR1420041010050500013M02606", "ES9121000418450200051332",
                        "IT60X0542811101000000123456", "PL61109010140000071219812874", "IS140159260076545510730339", "BE68539007547034", "AT611904300234573201",
                        "CH9300762011623852957", "EE382200221020145685", "LT121000011101001000", "LV80BANK0000435195001", "IE29AIBK93115212345678",
                        "PT50000201231234567890154", "LU280019400644750000", "FO6264600001631634", "GL8964710001000206", "DK5000400440116243",
                        "NO9386011117947", "DE89370400440532013000", "GB29NWBK60161331926819", "SE35 5000 0000 0549 1000 0003"]
        for iban in registry {
            XCTAssertTrue(CheckDigits.iban(iban), iban)
            let s = CheckDigits.normalizedIBAN(iban), country = String(s.prefix(2)), bban = String(s.dropFirst(4))
            XCTAssertEqual(CheckDigits.ibanFrom(country: country, bban: bban), s)
            XCTAssertFalse(CheckDigits.iban(CheckDigits.ibanFrom(country: country, bban: bban + "0")), "\(country): one longer than registered")
            XCTAssertFalse(CheckDigits.iban(CheckDigits.ibanFrom(country: country, bban: String(bban.dropLast()))), "\(country): one shorter than registered")
        }
        XCTAssertFalse(CheckDigits.iban("SE33500000000583982574660000"), "28 characters is not a Swedish IBAN")
    }

    func testCheckDigits() {
        for iban in ["DK5000400440116243", "DK50 0040 0440 1162 43", "NO9386011117947", "DE89370400440532013000", "GB29NWBK60161331926819", "dk5000400440116243"] {
            XCTAssertTrue(CheckDigits.iban(iban), iban)
        }
        for iban in ["DK5000400440116244", "DK500040044011624", "NO938601111794", "XX00", "DK50004004401162431", "IBAN32423940"] { XCTAssertFalse(CheckDigits.iban(iban), iban) }
        XCTAssertEqual(CheckDigits.ibanFrom(country: "NO", bban: "86011117947"), "NO9386011117947")
        XCTAssertEqual(CheckDigits.ibanFrom(country: "DK", bban: "00400440116243"), "DK5000400440116243")
        for kid in ["12345678903", "1234567892", "0000000000000018"] { XCTAssertTrue(CheckDigits.kid(kid), kid) }
        for kid in ["12345678904", "1234567893", "1", "12a45"] { XCTAssertFalse(CheckDigits.kid(kid), kid) }
        XCTAssertTrue(CheckDigits.norwegianAccount("86011117947"))
        XCTAssertFalse(CheckDigits.norwegianAccount("86011117948"))
        XCTAssertTrue(CheckDigits.mod10("000000002346526"))
        XCTAssertFalse(CheckDigits.mod10("000000002346527"))
        XCTAssertTrue(CheckDigits.rfReference("RF18539007547034"))
        XCTAssertFalse(CheckDigits.rfReference("RF19539007547034"))
    }

    func testFIKInEveryFormAndEveryCardType() throws {
        // PEPPOL BIS: PaymentID 71#id, the creditor as the account.
        let peppol = try instruction(.init(code: "93", account: "87654321", paymentID: "71#000000002346526")).get()
        XCTAssertEqual([peppol.kind.rawValue, peppol.cardType, peppol.account, peppol.reference], ["fik", "71", "87654321", "000000002346526"])
        XCTAssertEqual(peppol.accountKey, "FIK:87654321")
        // OIOUBL: PaymentID the card type, InstructionID the id, CreditAccount the creditor.
        let oioubl = try instruction(.init(code: "93", paymentID: "75", instructionID: "1234567890123452", creditAccount: "87654321", channel: "DK:FIK")).get()
        XCTAssertEqual([oioubl.cardType, oioubl.reference], ["75", "1234567890123452"])
        // The creditor after a second #, spaces in the id.
        XCTAssertEqual(try instruction(.init(code: "93", paymentID: "71#0000 0000 2346 526#87654321")).get().accountKey, "FIK:87654321")
        // The slip's code line; a short id is padded with zeros (they do not change the check digit).
        let line = try instruction(.init(code: "93", paymentID: "+71<2346526+87654321<")).get()
        XCTAssertEqual(line.reference, "000000002346526")
        // Giro 04 and 15 carry a payment id; 01 and 73 do not (their message is the invoice number).
        XCTAssertEqual(try instruction(.init(code: "50", account: "1234567", paymentID: "04#1234567890123452")).get().kind, .giro)
        XCTAssertEqual(try instruction(.init(code: "50", account: "1234567", paymentID: "15#1234567890123452")).get().reference, "1234567890123452")
        let giro01 = try instruction(.init(code: "50", account: "1234567", paymentID: "01")).get()
        XCTAssertNil(giro01.reference)
        XCTAssertEqual(giro01.message, "Faktura F-1")
        XCTAssertNil(try instruction(.init(code: "93", account: "87654321", paymentID: "73#")).get().reference)
    }

    func testAFIKReferenceThatFailsItsCheckIsADeviation() {
        let bad: [BookedInvoiceDetails.PaymentMeans] = [
            .init(code: "93", account: "87654321", paymentID: "71#000000002346527"),            // check digit
            .init(code: "93", account: "87654321", paymentID: "75#1234567890123453"),           // check digit
            .init(code: "93", account: "87654321", paymentID: "71#12345678901234567"),          // too long for +71
            .init(code: "93", account: "87654321", paymentID: "71#"),                           // no id where one is required
            .init(code: "93", account: "17654321", paymentID: "71#000000002346526"),            // not an FI creditor number
            .init(code: "93", account: "8765432", paymentID: "71#000000002346526"),             // 7 digits
            .init(code: "93", account: "87654321", paymentID: "54#000000002346526"),            // no such card type
            .init(code: "50", account: "123", paymentID: "04#1234567890123452"),                // giro account too short
            .init(code: "50", account: "1234567", paymentID: "04#1234567890123453"),            // giro id check digit
            .init(code: "93", paymentID: "71", instructionID: "000000002346527", creditAccount: "87654321"),
        ]
        for m in bad { XCTAssertEqual(deviation(instruction(m)), PaymentDeviation.referenceInvalid, "\(m)") }
    }

    func testAccountsAndReferences() throws {
        let iban = try instruction(.init(code: "58", account: "DK50 0040 0440 1162 43", bic: "DABADKKK", paymentID: "RF18539007547034")).get()
        XCTAssertEqual([iban.account, iban.bic, iban.reference, iban.referenceKind?.rawValue], ["DK5000400440116243", "DABADKKK", "RF18539007547034", "rf"])
        XCTAssertEqual(iban.accountKey, "DK:00400440116243", "a Danish IBAN is the domestic account it holds")
        // Danish domestic: the registration number as the bank, or leading the account.
        let dk = try instruction(.init(code: "31", account: "0440116243", bic: "0040")).get()
        XCTAssertEqual([dk.kind.rawValue, dk.account, dk.accountKey, dk.iban], ["domestic", "00400440116243", "DK:00400440116243", "DK5000400440116243"])
        XCTAssertEqual(try instruction(.init(code: "31", account: "00400440116243")).get().accountKey, "DK:00400440116243")
        XCTAssertEqual(deviation(instruction(.init(code: "31", account: "0440116243"))), PaymentDeviation.referenceInvalid, "no registration number")
        // Norwegian: an 11-digit account with modulus 11, and the KID checked.
        let no = try instruction(.init(code: "30", account: "8601.11.17947", paymentID: "12345678903"), currency: "NOK", country: "NO").get()
        XCTAssertEqual([no.country, no.account, no.reference, no.referenceKind?.rawValue, no.iban], ["NO", "86011117947", "12345678903", "kid", "NO9386011117947"])
        XCTAssertEqual(deviation(instruction(.init(code: "30", account: "86011117947", paymentID: "12345678904"), currency: "NOK", country: "NO")), PaymentDeviation.referenceInvalid)
        XCTAssertEqual(deviation(instruction(.init(code: "30", account: "86011117948"), currency: "NOK", country: "NO")), PaymentDeviation.referenceInvalid)
        XCTAssertEqual(deviation(instruction(.init(code: "30", account: "NO9386011117947", paymentID: "1234567890-"), currency: "NOK", country: "NO")), PaymentDeviation.referenceInvalid)
        // An IBAN that fails mod 97, an RF that fails, a corrupted account: deviations.
        XCTAssertEqual(deviation(instruction(.init(code: "58", account: "DK5000400440116244"))), PaymentDeviation.referenceInvalid)
        XCTAssertEqual(deviation(instruction(.init(code: "58", account: "DK5000400440116243", paymentID: "RF19539007547034"))), PaymentDeviation.referenceInvalid)
        XCTAssertEqual(deviation(instruction(.init(code: "30", account: "IBAN32423940", bic: "BIC324098", paymentID: "Snippet1"))), PaymentDeviation.referenceInvalid)
        // Text that is no reference is the message; without one, the invoice number is.
        XCTAssertEqual(try instruction(.init(code: "58", account: "DE89370400440532013000", paymentID: "Order 77")).get().message, "Order 77")
        XCTAssertEqual(try instruction(.init(code: "58", account: "DE89370400440532013000")).get().message, "Faktura F-1")
        XCTAssertEqual(deviation(instruction(.init(code: "30"))), PaymentDeviation.meansMissing)
        XCTAssertEqual(deviation(instruction(.init(code: "97", channel: "DK:NEMKONTO"))), PaymentDeviation.meansUnsupported)
        XCTAssertEqual(deviation(PayeeInstruction.of(BookedInvoice(invoiceID: "I", bookedAt: "", bookedBy: "", postings: []), country: "DK")), PaymentDeviation.meansMissing)
    }
}
