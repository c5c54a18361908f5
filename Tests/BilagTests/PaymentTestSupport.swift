import BilagCore
import BilagEngine
import BilagOutbox
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// Invoices with chosen payment means, a decider that books everything, and the official schema check, for the
/// payments tests.
enum PaymentFixtures {
    /// `bilag.yaml` with the journal and a payments writer (`extra` lines go under it).
    static func config(version: String = "pain.001.001.03", extra: [String] = []) -> String {
        """
        intake:
          readiness: rename
          poll_interval_ms: 25
        outbox:
          flush_interval_ms: 20
          writers:
            journal: { kind: jsonl }
            bank:
              kind: payments
              version: \(version)
              debtor_name: "Aarhus Kommune"
              debtor_id: "55133018"
              debtor_iban: "DK5000400440116243"
              debtor_bic: "DABADKKK"
              debtor_accounts: "EUR=DK3730000000000001/DABADKKK"
        \(extra.map { "      " + $0 }.joined(separator: "\n"))

        """
    }

    static let base = try! InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
    static let creditNote = try! InvoiceTemplate(corpus: "peppol-bis3/examples/base-creditnote-correction.xml")

    /// IBAN and BIC means, with an optional payment id.
    static func iban(_ iban: String, bic: String? = "DABADKKK", paymentID: String? = nil, code: String = "58") -> String {
        "<cac:PaymentMeans><cbc:PaymentMeansCode>\(code)</cbc:PaymentMeansCode>" + (paymentID.map { "<cbc:PaymentID>\($0)</cbc:PaymentID>" } ?? "")
            + "<cac:PayeeFinancialAccount><cbc:ID>\(iban)</cbc:ID>" + (bic.map { "<cac:FinancialInstitutionBranch><cbc:ID>\($0)</cbc:ID></cac:FinancialInstitutionBranch>" } ?? "")
            + "</cac:PayeeFinancialAccount></cac:PaymentMeans>"
    }

    /// FIK/giro means as PEPPOL BIS gives them (`71#id`, the creditor as the account).
    static func fik(_ card: String, _ id: String, creditor: String = "87654321") -> String {
        "<cac:PaymentMeans><cbc:PaymentMeansCode>93</cbc:PaymentMeansCode><cbc:PaymentID>\(card)#\(id)</cbc:PaymentID><cac:PayeeFinancialAccount><cbc:ID>\(creditor)</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>"
    }

    /// A domestic account (Danish: with the registration number as the bank).
    static func domestic(_ account: String, reg: String? = nil, paymentID: String? = nil) -> String {
        iban(account, bic: reg, paymentID: paymentID, code: "30")
    }

    /// The PEPPOL base example (or its credit note) as supplier `supplier`, with these means, currency and due date.
    static func document(_ number: String, supplier: String, means: String, currency: String = "DKK", due: String = "2017-12-01", credit: Bool = false) -> Data {
        var t = (credit ? creditNote : base).withNumber(number).text
        t = t.replacingOccurrences(of: "\"EUR\"", with: "\"\(currency)\"").replacingOccurrences(of: ">EUR<", with: ">\(currency)<")
        if let r = t.range(of: "<cac:PartyLegalEntity>"), let c = t.range(of: "<cbc:CompanyID>", range: r.upperBound..<t.endIndex), let e = t.range(of: "</cbc:CompanyID>", range: c.upperBound..<t.endIndex) {
            t.replaceSubrange(c.upperBound..<e.lowerBound, with: supplier)
        }
        if let s = t.range(of: "<cac:PaymentMeans>"), let e = t.range(of: "</cac:PaymentMeans>", options: .backwards) {
            t.replaceSubrange(s.lowerBound..<e.upperBound, with: means)
        } else if let terms = t.range(of: "<cac:PaymentTerms>") ?? t.range(of: "<cac:TaxTotal>") {
            t.insert(contentsOf: means, at: terms.lowerBound)
        }
        if let s = t.range(of: "<cbc:DueDate>"), let e = t.range(of: "</cbc:DueDate>") { t.replaceSubrange(s.upperBound..<e.lowerBound, with: due) }
        return Data(t.utf8)
    }

    /// The supplier key bilag gives `supplier` (the legal registration, normalised).
    static func key(_ supplier: String) -> String { Identifiers.normalizedPartyKey(supplier) }

    /// Runs `xmllint --noout --schema` with the official XSD of `version` over `file`; the tool's output when it fails.
    static func schemaErrors(_ file: String, version: String) throws -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        p.arguments = ["--noout", "--nonet", "--schema", Corpus.path("schemas/\(version).xsd"), file]
        let pipe = Pipe()
        p.standardError = pipe
        p.standardOutput = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return p.terminationStatus == 0 ? nil : out
    }

    /// A payment file read back: each PmtInf's count and control sum as written and as counted, and every transfer.
    struct PaymentFile {
        var groupCount = 0, groupSum = Amount.zero
        var blocks: [(debtor: String, date: String, count: Int, sum: Amount, transfers: [(endToEnd: String, amount: Amount)])] = []
        var transfers: [(endToEnd: String, amount: Amount)] { blocks.flatMap(\.transfers) }
    }

    static func read(_ path: String) throws -> PaymentFile {
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        /// The contents of each `<tag>…</tag>` (or `<tag attr…>…</tag>`) in `s`, in order.
        func all(_ tag: String, in s: Substring) -> [Substring] {
            var out: [Substring] = []
            var rest = s[...]
            while let open = rest.range(of: "<\(tag)>") ?? rest.range(of: "<\(tag) "), let gt = rest.range(of: ">", range: open.lowerBound..<rest.endIndex),
                  let close = rest.range(of: "</\(tag)>", range: gt.upperBound..<rest.endIndex) {
                out.append(rest[gt.upperBound..<close.lowerBound])
                rest = rest[close.upperBound...]
            }
            return out
        }
        func first(_ tag: String, in s: Substring) -> String { all(tag, in: s).first.map(String.init) ?? "" }
        var f = PaymentFile()
        let header = all("GrpHdr", in: text[...]).first ?? ""
        f.groupCount = Int(first("NbOfTxs", in: header)) ?? -1
        f.groupSum = Amount(parsing: first("CtrlSum", in: header)) ?? .zero
        for block in all("PmtInf", in: text[...]) {
            let transfers = all("CdtTrfTxInf", in: block).map { (first("EndToEndId", in: $0), Amount(parsing: first("InstdAmt", in: $0)) ?? .zero) }
            let beforeTransfers = block[..<(block.range(of: "<CdtTrfTxInf>")?.lowerBound ?? block.endIndex)]
            let date = first("ReqdExctnDt", in: beforeTransfers)
            f.blocks.append((first("IBAN", in: all("DbtrAcct", in: beforeTransfers).first ?? ""), date.contains("<Dt>") ? first("Dt", in: date[...]) : date,
                             Int(first("NbOfTxs", in: beforeTransfers)) ?? -1, Amount(parsing: first("CtrlSum", in: beforeTransfers)) ?? .zero, transfers))
        }
        return f
    }

    /// Every payment file of the `bank` writer in `outbox`: schema-valid, counts and control sums right; returns each
    /// invoice id with the file it is in and its amount, failing for an invoice in two files.
    static func checkedPayments(outbox: String, version: String = "pain.001.001.03", file: StaticString = #filePath, line: UInt = #line) throws -> [String: (file: String, amount: Amount)] {
        let folder = outbox + "/bank"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".xml") }.sorted()
        var out: [String: (String, Amount)] = [:]
        for name in names {
            if let errors = try schemaErrors(folder + "/" + name, version: version) { XCTFail("\(name) is not valid against \(version).xsd: \(errors)", file: file, line: line) }
            let f = try read(folder + "/" + name)
            XCTAssertEqual(f.groupCount, f.transfers.count, name, file: file, line: line)
            XCTAssertEqual(f.groupSum, f.transfers.reduce(Amount.zero) { $0 + $1.amount }, name, file: file, line: line)
            for b in f.blocks {
                XCTAssertEqual(b.count, b.transfers.count, name, file: file, line: line)
                XCTAssertEqual(b.sum, b.transfers.reduce(Amount.zero) { $0 + $1.amount }, name, file: file, line: line)
            }
            XCTAssertEqual(Set(f.blocks.map { $0.debtor + $0.date }).count, f.blocks.count, "one PmtInf per debtor account and date in \(name)", file: file, line: line)
            let manifest = try XCTUnwrap(PaymentManifest.read(outbox + "/manifests/bank/" + name + ".manifest.json"), "no manifest for \(name)", file: file, line: line)
            XCTAssertEqual(manifest.sha256, OutboxManifest.sha256(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))), name, file: file, line: line)
            for t in f.transfers {
                if let first = out[t.endToEnd] { XCTFail("\(t.endToEnd) is in \(first.0) and \(name)", file: file, line: line) }
                out[t.endToEnd] = (name, t.amount)
            }
        }
        return out
    }
}

/// Books every invoice it is asked about, to be paid, at its own amounts.
struct BookEverything: Decider {
    func decide(_ input: DecisionInput) -> DecisionRecord {
        let net = input.invoice.signedTotalWithoutVAT ?? .zero, vat = input.invoice.signedTotalVAT ?? .zero
        return DecisionRecord(decision: .book(Booking(postings: [Posting(account: "5250", netAmount: net, vatAmount: vat, vatCode: "I25")])), actor: "robot:test@1", trace: [])
    }
}

/// Books every invoice but those whose number starts with `prefix`: those go to the manual queue (`needs-a-person`).
struct ManualForNumbers: Decider {
    let prefix: String
    func decide(_ input: DecisionInput) -> DecisionRecord {
        guard input.invoice.invoiceNumber?.hasPrefix(prefix) == true else { return BookEverything().decide(input) }
        return DecisionRecord(decision: .manual(reason: "needs-a-person", message: "the robot asks a person to look"), actor: "robot:test@1", trace: [])
    }
}

/// Flushes nothing: the bookings wait for the Outbox's next flush, which the test makes.
struct NoFlush: OutboxFlushing {
    func bookingsCommitted() throws {}
}

extension TemporaryRoot {
    /// A pipeline on this root whose robot books everything; recovered (the payments writer started), ready to pass.
    func bookingPipeline() throws -> Pipeline {
        let pipeline = try Pipeline(config: try ConfigLoader.load(root: path, environment: [:]), decider: BookEverything())
        try pipeline.recover()
        return pipeline
    }

    /// Delivers `documents` (name → bytes) and runs one pass of `pipeline`; returns each name's invoice record.
    func run(_ pipeline: Pipeline, _ documents: [(String, Data)]) throws -> [String: InvoiceRecord] {
        for (name, data) in documents { try deliver(data, to: "peppol/\(name).xml") }
        try pipeline.pass()
        var out: [String: InvoiceRecord] = [:]
        for r in try pipeline.store.invoices(limit: 10_000) {
            for (name, _) in documents where r.sourcePath.hasSuffix("/\(name).xml") { out[name] = r }
        }
        return out
    }
}
