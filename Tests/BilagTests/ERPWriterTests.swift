import BilagCore
import BilagEngine
import BilagOutbox
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// The ERP import writer: its layout is configuration, and the shipped ones write balanced vouchers.
final class ERPWriterTests: XCTestCase {
    /// An invoice of 1,000.00 + 250.00 VAT from a Norwegian supplier, and a credit note of 100.00 + 25.00.
    func entries() -> [OutboxEntry] {
        func booked(_ id: String, _ kind: DocumentKind, _ net: String, _ vat: String) -> BookedInvoice {
            let s = kind == .creditNote ? "-" : ""
            var details = BookedInvoiceDetails()
            details.vatBreakdown = [.init(category: "S", rate: Amount(25), taxable: Amount(parsing: s + net)!, tax: Amount(parsing: s + vat)!)]
            details.payment = .init(code: "30", account: "NO9386011117947", bic: "DNBANOKK", paymentID: "1234567890128")
            details.supplierLegalID = "987654321"
            return BookedInvoice(invoiceID: id, bookedAt: "2026-12-03T10:00:00.000Z", bookedBy: "robot:rent@abc", supplierKey: "NO987654321", supplierName: "Bjørnstad Eiendom AS",
                                 invoiceNumber: "F-\(id)", issueDate: "2026-11-30", dueDate: "2026-12-20", documentKind: kind, currency: "NOK",
                                 amountDue: Amount(parsing: s + (kind == .creditNote ? "125.00" : "1250.00"))!,
                                 postings: [Posting(account: "6300", dimensions: ["costcentre": "4711", "project": "P9"], netAmount: Amount(parsing: s + net)!, vatAmount: Amount(parsing: s + vat)!, vatCode: "I25")],
                                 details: details)
        }
        return [OutboxEntry(seq: 7, booked: booked("a", .invoice, "1000.00", "250.00")), OutboxEntry(seq: 8, booked: booked("b", .creditNote, "100.00", "25.00"))]
    }

    func shipped(_ name: String, settings: [String: String] = [:]) throws -> ERPWriter {
        try ERPWriter(name: "erp", settings: ["layout": name, "payable_account": "2400", "vat_account": "2710"].merging(settings) { $1 }, root: "/nonexistent")
    }

    func testThePlainCSVLayoutWritesEveryVoucherLineWithColumnNames() throws {
        let data = try shipped("plain-csv").render(entries())
        let rows = String(decoding: data, as: UTF8.self).split(separator: "\n").map { $0.split(separator: ";", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(rows[0].prefix(3), ["voucher", "line", "role"])
        XCTAssertEqual(rows.count, 1 + 3 + 3, "a header row, then expense, VAT and payable of each voucher")
        let amount = rows[0].firstIndex(of: "amount")!, account = rows[0].firstIndex(of: "account")!
        XCTAssertEqual(rows.dropFirst().map { $0[account] }, ["6300", "2710", "2400", "6300", "2710", "2400"])
        XCTAssertEqual(rows.dropFirst().map { $0[amount] }, ["1000.00", "250.00", "-1250.00", "-100.00", "-25.00", "125.00"], "the credit note posts reversed")
        XCTAssertEqual(rows[3][rows[0].firstIndex(of: "payment_id")!], "1234567890128")
        XCTAssertEqual(rows[1][rows[0].firstIndex(of: "payment_id")!], "", "payment fields only on the payable line")
    }

    func testTheUnit4GL07LayoutWritesFixedWidthLatin1RecordsThatBalance() throws {
        let writer = try shipped("unit4-gl07", settings: ["client": "K1", "voucher_type": "IN", "company_currency": "NOK"])
        XCTAssertEqual(writer.fileExtension, "txt")
        let data = try writer.render(entries())
        let width = writer.layout.fields.reduce(0) { $0 + $1.width! }
        let records = data.split(separator: 0x0A)
        XCTAssertEqual(records.count, 6)
        XCTAssertTrue(records.allSatisfy { $0.count == width + 1 && $0.last == 0x0D }, "every record \(width) bytes and CR LF")
        XCTAssertTrue(data.contains(0xF8), "ø written as one ISO-8859-1 byte")
        // Read the columns back by their widths.
        func column(_ record: Data.SubSequence, _ name: String) -> String {
            var start = record.startIndex
            for f in writer.layout.fields {
                if f.name == name { return String(decoding: record[start..<(start + f.width!)], as: UTF8.self).trimmingCharacters(in: .whitespaces) }
                start += f.width!
            }
            return "?"
        }
        XCTAssertEqual(records.map { column($0, "trans_type") }, ["GL", "GL", "AP", "GL", "GL", "AP"])
        XCTAssertEqual(records.map { column($0, "client") }, Array(repeating: "K1", count: 6))
        XCTAssertEqual(column(records[2], "apar_id"), "987654321")
        XCTAssertEqual(column(records[2], "due_date"), "20261220")
        XCTAssertEqual(column(records[2], "kid"), "1234567890128")
        XCTAssertEqual(column(records[0], "apar_id"), "")
        XCTAssertEqual(column(records[0], "dim_1"), "4711")
        XCTAssertEqual(column(records[0], "period"), "202612")
        let sum = records.map { Amount(parsing: column($0, "amount"))! }.reduce(Amount.zero, +)
        XCTAssertEqual(sum, .zero, "the batch balances")
        XCTAssertEqual(records.map { column($0, "amount") }, records.map { column($0, "cur_amount") }, "in the company's currency both columns are the amount")

        // The same invoices at a Danish municipality: NOK is not its currency, so the company-currency column is left
        // blank for Unit4 to convert at its own rate — never the NOK figure taken as DKK.
        let danish = try shipped("unit4-gl07", settings: ["client": "K1", "voucher_type": "IN"]).render(entries()).split(separator: 0x0A)
        XCTAssertEqual(danish.map { column($0, "amount") }, Array(repeating: "", count: 6))
        XCTAssertEqual(danish.map { column($0, "cur_amount") }, ["1000.00", "250.00", "-1250.00", "-100.00", "-25.00", "125.00"])
        XCTAssertEqual(danish.map { column($0, "currency") }, Array(repeating: "NOK", count: 6))
    }

    /// A trailer can sum the credit notes alone (or the supplier lines alone): `documents:` and `roles:` narrow a
    /// file's counts and sums, and on a line fill the field only on those vouchers. A misspelt key in a layout is
    /// refused, as in bilag.yaml, never silently ignored.
    func testATrailerSumsTheCreditNotesAloneAndAMisspeltLayoutKeyIsRefused() throws {
        let yaml = """
        format: fixed
        line_end: lf
        roles: [expense, payable]
        fields:
          - { field: role, width: 8 }
          - { field: amount, width: 9 }
          - { field: amount, documents: [credit-note], width: 9 }
        trailer:
          - [ { value: "T" }, { field: voucher_count, documents: [credit-note], width: 2, pad: "0" }, { field: amount_sum, roles: [payable], documents: [credit-note], width: 10, pad: "0" }, { field: amount_sum, roles: [payable], width: 10, pad: "0" }, { field: record_count, width: 2, pad: "0" }, { field: debit_sum, documents: [invoice], width: 9 } ]

        """
        let writer = ERPWriter(name: "erp", layout: try ERPLayout.parse(yaml, source: "kinds.yaml"))
        XCTAssertEqual(String(decoding: try writer.render(entries()), as: UTF8.self), """
        expense   1000.00         
        payable  -1250.00         
        expense   -100.00  -100.00
        payable    125.00   125.00
        T010000125.00-001125.0004  1000.00

        """)
        for (typo, key) in [(yaml.replacingOccurrences(of: "documents: [credit-note], width: 9", with: "document: [credit-note], width: 9"), "document"),
                            (yaml.replacingOccurrences(of: "line_end: lf", with: "line_end: lf\nchrset: ISO-8859-1"), "chrset"),
                            ("format: fixed\namounts: { decimals: 2, sing: trailing }\nfields:\n  - { field: amount, width: 9 }\n", "sing")] {
            XCTAssertThrowsError(try ERPLayout.parse(typo, source: "typo.yaml")) { XCTAssertTrue("\($0)".contains("unknown key '\(key)'"), "\($0)") }
        }
        XCTAssertThrowsError(try ERPLayout.parse(yaml.replacingOccurrences(of: "[credit-note], width: 9", with: "[creditnote], width: 9"), source: "kind.yaml"))
    }

    /// Text ISO-8859-1 cannot hold does not stop a GL07 batch (Foundation's lossy conversion gives no bytes at all on
    /// Linux for it): a Polish supplier's name, an en dash, an emoji, a decomposed accent and a line break in the text
    /// are written one byte a character — the nearest Latin-1 letter, or `?` — and every record keeps its width.
    func testTextOutsideLatin1IsWrittenOneByteACharacterAndFixedWidthsHold() throws {
        var e = entries()
        for i in e.indices {
            e[i].booked.supplierName = "Łódź Sp. z o.o."
            e[i].booked.postings[0].text = "Husleje e\u{301}\r\nmåned – 😀 ő"
        }
        let writer = try shipped("unit4-gl07", settings: ["client": "K1", "voucher_type": "IN"])
        let data = try writer.render(e)
        let width = writer.layout.fields.reduce(0) { $0 + $1.width! }
        let records = data.split(separator: 0x0A)
        XCTAssertEqual(records.count, 6)
        XCTAssertTrue(records.allSatisfy { $0.count == width + 1 && $0.last == 0x0D }, "every record \(width) bytes and CR LF")
        func column(_ record: Data.SubSequence, _ name: String) -> String {
            var start = record.startIndex
            for f in writer.layout.fields {
                if f.name == name { return String(data: Data(record[start..<(start + f.width!)]), encoding: .isoLatin1)!.trimmingCharacters(in: .whitespaces) }
                start += f.width!
            }
            return "?"
        }
        XCTAssertEqual(column(records[2], "apar_name"), "Lódz Sp. z o.o.")
        XCTAssertEqual(column(records[0], "description"), "Husleje é  måned - ? o", "CR and LF each a space")
        // The other line breaks — NEL (a C1 control, byte 0x85 in ISO-8859-1), the line and paragraph separators — and
        // C1 controls are spaces too: a byte 0x85 would end the record for a reader that takes NEL as a line break.
        var breaks = entries()
        for i in breaks.indices { breaks[i].booked.postings[0].text = "CRLF\r\nline\u{2028}LS\u{85}NEL\u{2029}PS\u{9B}CSI" }
        let broken = try writer.render(breaks).split(separator: 0x0A)
        XCTAssertTrue(broken.allSatisfy { $0.count == width + 1 && !$0.contains(0x85) && !$0.contains(0x9B) }, "every record \(width) bytes, no C1 control")
        XCTAssertEqual(column(broken[0], "description"), "CRLF  line LS NEL PS CSI")
        // A separated file in ISO-8859-1 likewise; in UTF-8 the text stays as it is, composed.
        let csv = ERPWriter(name: "erp", layout: try ERPLayout.parse("format: separated\ncharset: ISO-8859-1\nroles: [payable]\nfields:\n  - { field: supplier_name }\n", source: "l1"))
        XCTAssertEqual(try csv.render(Array(e.prefix(1))), Data([0x4C, 0xF3, 0x64, 0x7A] + Array(" Sp. z o.o.\n".utf8)))
        let utf8 = ERPWriter(name: "erp", layout: try ERPLayout.parse("format: separated\nroles: [expense]\nfields:\n  - { field: text }\n", source: "u8"))
        XCTAssertEqual(String(decoding: try utf8.render(Array(e.prefix(1))), as: UTF8.self), "\"Husleje é\r måned – 😀 ő\"\n", "UTF-8 keeps the text (a line feed a space, as always); the carriage return is quoted")
    }

    /// A booking made at 00:30 on 1 December in Copenhagen (23:30 UTC on 30 November) is booked on 1 December and in
    /// period 202612 in the ERP file, and the file's date is that day too; in Oslo the same with `time_zone`. The
    /// invoice's own dates (issue, due) stay as the invoice gives them.
    func testBookedDatePeriodAndFileDateAreTheMunicipalitysLocalDates() throws {
        let midnight = entries().map { e -> OutboxEntry in var b = e.booked; b.bookedAt = "2026-11-30T23:30:00.000Z"; return OutboxEntry(seq: e.seq, booked: b) }
        let yaml = """
        format: separated
        line_end: lf
        date_format: yyyy-MM-dd
        header:
          - [ { value: "H" }, { field: created_date } ]
        fields:
          - { field: booked_date }
          - { field: period }
          - { field: issue_date }
        """
        let layout = try ERPLayout.parse(yaml, source: "local.yaml")
        for (zone, settings) in [("Europe/Copenhagen", [String: String]()), ("Europe/Oslo", ["time_zone": "Europe/Oslo"])] {
            let fromSettings = try ERPWriter(name: "erp", settings: ["layout": "plain-csv"].merging(settings) { $1 }, root: "/nonexistent")
            XCTAssertEqual(fromSettings.timeZone.identifier, zone)
            let writer = ERPWriter(name: "erp", layout: layout, timeZone: fromSettings.timeZone)
            let lines = String(decoding: try writer.render(midnight), as: UTF8.self).split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.first, "H;2026-12-01", zone)
            XCTAssertEqual(Set(lines.dropFirst()), ["2026-12-01;202612;2026-11-30"], zone)
        }
        XCTAssertThrowsError(try shipped("plain-csv", settings: ["time_zone": "Mars/Olympus"])) { XCTAssertEqual(($0 as? BilagError)?.code, "config-invalid") }
    }

    func testALayoutOfOnesOwnSetsFormatsSignsCharsetHeaderAndTrailer() throws {
        let yaml = """
        format: fixed
        charset: UTF-8
        line_end: lf
        date_format: ddMMyyyy
        amounts: { decimals: 2, decimal_separator: ",", sign: trailing }
        roles: [payable, expense]
        header:
          - [ { value: "H" }, { field: batch_id, width: 17 }, { field: created_date, width: 8 } ]
        fields:
          - { value: "L", width: 1 }
          - { field: account, width: 6 }
          - { field: amount, width: 10, pad: "0" }
          - { field: text, width: 8, truncate: true }
        trailer:
          - [ { value: "T" }, { field: record_count, width: 4, pad: "0" }, { field: debit_sum, width: 10 }, { field: credit_sum, width: 10 } ]
        """
        let writer = ERPWriter(name: "erp", layout: try ERPLayout.parse(yaml, source: "test"))
        let text = String(decoding: try writer.render(entries()), as: UTF8.self)
        XCTAssertEqual(text, """
        HBILAG00000000000703122026
        L2400  001250,00-Bjørnsta
        L6300  0001000,00Bjørnsta
        L2400  0000125,00Bjørnsta
        L6300  000100,00-Bjørnsta
        T0004   1125,00   1350,00

        """)
        // A value too long for its width is refused, never cut, unless the field is free text.
        let narrow = try ERPLayout.parse("format: fixed\nfields:\n  - { field: account, width: 3 }\n", source: "narrow")
        XCTAssertThrowsError(try ERPWriter(name: "erp", layout: narrow).render(entries())) { XCTAssertTrue("\($0)".contains("widen the field"), "\($0)") }
        // A refused value is named in the message (it is logged), with any CPR number in it masked.
        var cpr = entries()
        cpr[0].booked.postings[0].text = "Husleje 0101701234 december"
        let short = try ERPLayout.parse("format: fixed\nroles: [expense]\nfields:\n  - { field: text, width: 10 }\n", source: "short")
        XCTAssertThrowsError(try ERPWriter(name: "erp", layout: short).render(Array(cpr.prefix(1)))) { XCTAssertFalse("\($0)".contains("0101701234"), "\($0)") }
        XCTAssertThrowsError(try ERPLayout.parse("format: fixed\nfields:\n  - { field: account }\n", source: "x")) { XCTAssertTrue("\($0)".contains("has no width"), "\($0)") }
        XCTAssertThrowsError(try ERPLayout.parse("format: separated\nheader:\n  - [ { field: account } ]\nfields:\n  - { field: account }\n", source: "x")) { XCTAssertTrue("\($0)".contains("cannot stand in a header"), "\($0)") }
    }

    /// Zero-padded amounts with a leading minus (an ERP that reads `-0000100,00`): the sign stays in front of the
    /// zeros on the lines and in the trailer's sums, also when the file holds only credit notes, whose sums are negative.
    func testZeroPaddedNegativeAmountsKeepTheSignInFrontAlsoInATrailerSummingCreditNotes() throws {
        let yaml = """
        format: fixed
        line_end: lf
        amounts: { decimals: 2, decimal_separator: ",", sign: minus }
        roles: [expense, payable]
        fields:
          - { field: role, width: 8 }
          - { field: amount, width: 11, pad: "0" }
        trailer:
          - [ { value: "T" }, { field: amount_sum, width: 11, pad: "0" }, { field: debit_sum, width: 11, pad: "0" }, { field: credit_sum, width: 11, pad: "0" } ]
        """
        let layout = try ERPLayout.parse(yaml + "\n", source: "minus.yaml")
        let writer = ERPWriter(name: "erp", layout: layout)
        XCTAssertEqual(String(decoding: try writer.render(entries()), as: UTF8.self), """
        expense 00001000,00
        payable -0001250,00
        expense -0000100,00
        payable 00000125,00
        T-0000225,0000001125,0000001350,00

        """)
        // Expense lines of a credit note alone: the trailer's sum is the credit note's, negative.
        let expenses = ERPWriter(name: "erp", layout: try ERPLayout.parse(yaml.replacingOccurrences(of: "roles: [expense, payable]", with: "roles: [expense]") + "\n", source: "minus.yaml"))
        XCTAssertEqual(String(decoding: try expenses.render([entries()[1]]), as: UTF8.self), """
        expense -0000100,00
        T-0000100,0000000000,0000000100,00

        """)
    }

    func testBilagYamlChoosesAnERPWriterAndRefusesWhatItCannotFill() throws {
        let root = try TemporaryRoot()
        let base = "outbox:\n  writers:\n    journal: { kind: jsonl }\n    erp: { kind: erp, layout: unit4-gl07, voucher_type: IN"
        try root.writeConfig(base + ", client: K1, vat_accounts: \"I25=2711, I15=2712\" }\n")
        let config = try ConfigLoader.load(root: root.path, environment: [:])
        XCTAssertEqual(config.outboxWriters.map(\.name), ["journal", "erp"])
        let writer = try XCTUnwrap(try OutboxWriterKinds.make(config.outboxWriters[1], root: root.path) as? ERPWriter)
        XCTAssertEqual(writer.accounts.vatByCode, ["I25": "2711", "I15": "2712"])
        for (yaml, says) in [(base + " }\n", "'client'"), (base + ", client: K1, colour: red }\n", "unknown setting 'colour'"),
                             ("outbox:\n  writers:\n    journal: { kind: jsonl }\n    erp: { kind: erp, layout: layouts/mine.yaml }\n", "neither a shipped layout nor a readable file")] {
            try root.writeConfig(yaml)
            XCTAssertThrowsError(try ConfigLoader.load(root: root.path, environment: [:])) { XCTAssertTrue("\($0)".contains(says), "\($0)") }
        }
        try FileManager.default.createDirectory(atPath: root.path + "/layouts", withIntermediateDirectories: true)
        try ShippedLayouts.plainCSV.write(toFile: root.path + "/layouts/mine.yaml", atomically: true, encoding: .utf8)
        XCTAssertNoThrow(try ConfigLoader.load(root: root.path, environment: [:]))
    }

    /// A writer's settings are text, read as bilag.yaml writes them, not as YAML 1.1 types: `country: NO` is Norway
    /// (not false), `client: 007` and `payable_account: 02400` keep their zeros, `voucher_type: ON` and `y` stay words.
    func testWriterSettingsAreReadAsWrittenNotAsYAMLTypes() throws {
        let root = try TemporaryRoot()
        try root.writeConfig("""
        outbox:
          writers:
            journal: { kind: jsonl }
            erp: { kind: erp, layout: unit4-gl07, client: 007, voucher_type: ON, payable_account: 02400, vat_account: 2710.0, rounding_account: y }
            bank:
              kind: payments
              debtor_name: Bergen kommune
              debtor_id: 0964338531
              debtor_iban: NO9386011117947
              debtor_bic: DNBANOKK
              country: NO
              days_ahead: 2

        """)
        let config = try ConfigLoader.load(root: root.path, environment: [:])
        let erp = try XCTUnwrap(config.outboxWriters.first { $0.name == "erp" })
        XCTAssertEqual(erp.settings, ["layout": "unit4-gl07", "client": "007", "voucher_type": "ON", "payable_account": "02400", "vat_account": "2710.0", "rounding_account": "y"])
        let writer = try XCTUnwrap(try OutboxWriterKinds.make(erp, root: root.path) as? ERPWriter)
        XCTAssertEqual([writer.accounts.payable, writer.accounts.vat, writer.accounts.rounding], ["02400", "2710.0", "y"])
        let bank = try PaymentSettings(try XCTUnwrap(config.outboxWriters.first { $0.name == "bank" }))
        XCTAssertEqual(bank.country, "NO")
        XCTAssertEqual(bank.debtorID, "0964338531")
        XCTAssertEqual(bank.daysAhead, 2)
    }

    /// A layout that cannot hold a value does not undo or fail the booking: the approval succeeds, the journal is
    /// written, the ERP file waits; once the layout is fixed, the next run writes it.
    /// A layout that quotes nothing in a space-separated file: an invoice's text (with spaces) cannot be written.
    let unquoted = "format: separated\nfields:\n  - { field: account }\n  - { field: amount }\n  - { field: text }\nquoting: none\nseparator: \" \"\n"

    func rootWithUnwritableLayout(interval: Int = 1000) throws -> (TemporaryRoot, String) {
        let root = try TemporaryRoot()
        try FileManager.default.createDirectory(atPath: root.path + "/layouts", withIntermediateDirectories: true)
        try unquoted.write(toFile: root.path + "/layouts/mine.yaml", atomically: true, encoding: .utf8)
        let config = "intake:\n  readiness: rename\n  poll_interval_ms: 25\noutbox:\n  flush_interval_ms: \(interval)\n  writers:\n    journal: { kind: jsonl }\n    erp: { kind: erp, layout: layouts/mine.yaml }\n"
        return (root, try XCTUnwrap(try root.queuedInvoices(1, prefix: "W", config: config).first))
    }

    /// The daemon keeps running when a file cannot be written, and its Outbox service logs a failure that persists
    /// once, not at every interval.
    func testTheOutboxServiceLogsAPersistingFailureOnce() throws {
        let (root, id) = try rootWithUnwritableLayout(interval: 20)
        try root.bilagSucceeding(TemporaryRoot.approval(id))
        let daemon = try root.startDaemon()
        Thread.sleep(forTimeInterval: 1)
        XCTAssertTrue(daemon.isRunning, "a file that cannot be written must not stop the daemon: \(daemon.stderrText())")
        daemon.terminate()
        let end = try XCTUnwrap(daemon.wait(timeout: 20))
        XCTAssertEqual(end.exitCode, 0, "\(end)")
        XCTAssertEqual(end.stderr.components(separatedBy: "cannot write the Outbox").count - 1, 1, end.stderr)
    }

    /// A value the supplier chose that the ERP layout cannot hold (an invoice number longer than its field) stopped
    /// the ERP writer at that booking: no later booking reached the ERP while payments went on, and `report day` said
    /// "reconciles". A robot's booking of such an invoice goes to manual (`outbox-layout-refused`); one an operator
    /// books anyway is named by `report day`, which then does not reconcile (exit 5).
    func testABookingTheERPLayoutCannotHoldIsHeldBackAndNamed() throws {
        let root = try TemporaryRoot()
        try FileManager.default.createDirectory(atPath: root.path + "/layouts", withIntermediateDirectories: true)
        try "format: fixed\nfields:\n  - { field: account, width: 10 }\n  - { field: invoice_number, width: 8 }\n".write(toFile: root.path + "/layouts/narrow.yaml", atomically: true, encoding: .utf8)
        try root.writeConfig("intake:\n  readiness: rename\noutbox:\n  writers:\n    journal: { kind: jsonl }\n    erp: { kind: erp, layout: layouts/narrow.yaml }\n")
        let pipeline = try root.bookingPipeline()
        let r = try root.run(pipeline, [("short", PaymentFixtures.document("S-1", supplier: "DK11111111", means: PaymentFixtures.iban("DK5000400440116243"))),
                                        ("long", PaymentFixtures.document("S-2-TOO-LONG-FOR-IT", supplier: "DK11111111", means: PaymentFixtures.iban("DK5000400440116243")))])
        XCTAssertEqual(r["short"]?.state, .booked)
        XCTAssertEqual(r["long"]?.state, .manual)
        XCTAssertEqual(r["long"]?.reasonCode, "outbox-layout-refused")
        XCTAssertTrue(r["long"]?.reasonMessage?.contains("the ERP writer erp cannot write this booking") == true, r["long"]?.reasonMessage ?? "")
        try pipeline.outbox.flush(pipeline.store)
        XCTAssertEqual(try root.bilag(["report", "day"]).exitCode, 0)

        // An operator books it anyway: the day's report names it, and does not reconcile.
        try root.bilagSucceeding(TemporaryRoot.approval(try XCTUnwrap(r["long"]?.id)))
        let report = try root.bilag(["report", "day"])
        XCTAssertEqual(report.exitCode, 5, "\(report)")
        XCTAssertTrue(report.stdout.contains("cannot be written as the layout stands") && report.stdout.contains("S-2-TOO-LONG-FOR-IT"), report.stdout)
    }

    func testAnERPFileThatCannotBeWrittenWaitsForItsLayoutWithoutFailingTheBooking() throws {
        let (root, id) = try rootWithUnwritableLayout()
        let narrow = unquoted
        let approved = try root.bilag(TemporaryRoot.approval(id))
        XCTAssertEqual(approved.exitCode, 0, "\(approved)")
        XCTAssertEqual(try root.journal().invoiceIDs, [id])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.outbox + "/erp").filter { !$0.hasPrefix(".") }, [], "the text holds a space, the separator, and the layout quotes nothing")
        let waiting = try root.bilag(["report", "day", "--json"]).jsonObject()
        XCTAssertEqual((waiting["reconciliation"] as? [[String: Any]])?.last?["waiting"] as? Int, 1, "\(waiting)")
        try narrow.replacingOccurrences(of: "quoting: none", with: "quoting: minimal").write(toFile: root.path + "/layouts/mine.yaml", atomically: true, encoding: .utf8)
        try root.bilagSucceeding(["run", "--once"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.outbox + "/erp").filter { !$0.hasPrefix(".") }.count, 1)
    }

    /// Every YAML example in docs/outbox.md reads: the configuration ones as bilag.yaml, the layouts as layouts.
    func testTheExamplesInTheOutboxGuideRead() throws {
        let guide = try String(contentsOfFile: Corpus.packageRoot + "/docs/outbox.md", encoding: .utf8)
        let blocks = guide.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        XCTAssertGreaterThanOrEqual(blocks.count, 3)
        let root = try TemporaryRoot()
        for block in blocks {
            if block.hasPrefix("outbox:") {
                try root.writeConfig(block)
                XCTAssertNoThrow(try ConfigLoader.load(root: root.path, environment: [:]), block)
            } else {
                XCTAssertNoThrow(try ERPLayout.parse(block, source: "docs/outbox.md"), block)
            }
        }
    }
}
