import BilagBench
import BilagCore
@testable import BilagEngine
import BilagFormats
@testable import BilagRobotLanguage
@testable import BilagRobots
import BilagValidation
import Foundation
import XCTest

/// An invoice's values are worked out only as far as the robots in force can read them (`InvoiceVariables.Needs`):
/// what the robots' expressions name, found in every place a robot file holds one, and what bilag reads itself. A
/// decision made with them is the decision made with every value.
final class InvoiceVariablesNeedsTests: XCTestCase {
    typealias S = RobotScenarioTests

    func uses(_ text: String) throws -> NameUses { try Expression.parse(text, at: SourceLocation(file: "t", line: 1, column: 1)).nameUses }

    func testWhatAnExpressionReadsOfEachName() throws {
        var u = try uses("invoice.total_vat + coalesce(invoice.amount_due, 0) > 0 and seller.cvr != null")
        XCTAssertEqual(u.fields, ["invoice": ["total_vat", "amount_due"], "seller": ["cvr"]])
        XCTAssertEqual(u.whole, [])
        // A field of a list of records names that field of every record.
        XCTAssertEqual(try uses("sum(lines.net_amount)").fields, ["lines": ["net_amount"]])
        // Used otherwise, the value is read whole: passed on, indexed, bound to another name.
        XCTAssertEqual(try uses("count(lines) > 0").whole, ["lines"])
        XCTAssertEqual(try uses("lines[0].name").whole, ["lines"])
        u = try uses("seller")
        XCTAssertTrue(u.reads("seller", field: "anything"))
        XCTAssertFalse(u.reads("buyer"))
        let t = try Template.parse("Amount {invoice.amount_due} to {buyer.ean}", at: SourceLocation(file: "t", line: 1, column: 1))
        XCTAssertEqual(t.nameUses.fields, ["invoice": ["amount_due"], "buyer": ["ean"]])
    }

    /// Every field robots are checked against is worked out, in the order `Needs` marks it by.
    func testTheKeysAreTheFieldsRobotsAreCheckedAgainst() throws {
        func keys(_ name: String) -> Set<String> {
            switch InvoiceVariables.types[name] {
            case let .record(fields)?: return Set(fields.keys)
            case let .list(.record(fields))?: return Set(fields.keys)
            default: return []
            }
        }
        XCTAssertEqual(Set(InvoiceVariables.invoiceKeys), keys("invoice"))
        XCTAssertEqual(Set(InvoiceVariables.sellerKeys), keys("seller"))
        XCTAssertEqual(Set(InvoiceVariables.buyerKeys), keys("buyer"))
        XCTAssertEqual(Set(InvoiceVariables.lineKeys), keys("lines"))
        for list in [InvoiceVariables.invoiceKeys, InvoiceVariables.sellerKeys, InvoiceVariables.buyerKeys, InvoiceVariables.lineKeys] {
            XCTAssertEqual(Set(list).count, list.count)
            XCTAssertLessThanOrEqual(list.count, 64, "a mark per field in 64 bits")
        }
        // With every value, each record holds every field.
        let inv = try DocumentParser.parse(Data(S.med("M1", note: "CPR 010190-1234", amount: "405.00").xml.utf8)).invoice
        let all = InvoiceVariables.values(inv, channel: "c", today: LocalDate(parsing: "2026-11-20")!)
        for name in ["invoice", "seller", "buyer"] {
            guard case let .record(r)? = all[name] else { return XCTFail(name) }
            XCTAssertEqual(Set(r.keys), keys(name), name)
        }
        guard case let .list(lines)? = all["lines"], case let .record(line)? = lines.first else { return XCTFail("lines") }
        XCTAssertEqual(Set(line.keys), keys("lines"))
    }

    /// A robot naming another invoice field in every place a robot file can hold an expression or a template: each
    /// is found, so none is left out of the values.
    func testEveryPlaceARobotHoldsAnExpressionIsRead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("needs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "certificate_type,min_amount,max_amount,valid_from,valid_to\nLÆ 125,1,2,2025-01-01,\n".write(toFile: dir + "/data/t.csv", atomically: true, encoding: .utf8)
        let robot = """
        robot: everywhere
        description: reads a field in every place
        priority: 1
        tables:
          tariffs:
            file: data/t.csv
            columns: { certificate_type: string, min_amount: number, max_amount: number, valid_from: date, valid_to: date }
            effective: { from: valid_from, to: valid_to }
        match: invoice.currency == "DKK"
        steps:
          - require: seller.vat
            reason: r1
            message: "no vat {invoice.type_code}"
          - extract:
              x: invoice.note
          - lookup: order
            connector: health
            query: orders
            params: { cpr: invoice.order_reference }
            fields: { id: string }
            expect: one
            none: { reason: no-order, message: "none for {invoice.due_date}" }
            many: { reason: many, message: "many for {invoice.period_end}" }
          - check: invoice.line_count > 0
            reason: c1
            message: "see {invoice.project_reference}"
          - history: earlier
            key: invoice.contract_reference
            limit: 1
          - table: tariff
            from: tariffs
            where: { certificate_type: invoice.object_id }
            on: invoice.issue_date
            reason: no-tariff
            message: "no tariff {invoice.period_start}"
          - book:
              account: invoice.accounting_cost
              dimensions:
                case: invoice.buyer_reference
              vat_code: "I0"
              text: "text {invoice.payment_id}"
              key: invoice.number
              write_back:
                - connector: health
                  action: mark
                  params: { amount: invoice.total_with_vat }
        """
        try robot.write(toFile: dir + "/everywhere.robot.yaml", atomically: true, encoding: .utf8)
        let loaded = try RobotLoader(connectors: ["health"]).load(path: dir + "/everywhere.robot.yaml")
        let read = loaded.nameUses
        for field in ["currency", "type_code", "note", "order_reference", "due_date", "period_end", "line_count", "project_reference", "contract_reference",
                      "object_id", "issue_date", "period_start", "accounting_cost", "buyer_reference", "payment_id", "number", "total_with_vat"] {
            XCTAssertTrue(read.reads("invoice", field: field), field)
        }
        XCTAssertTrue(read.reads("seller", field: "vat"))
        XCTAssertFalse(read.reads("invoice", field: "total_vat"))
        XCTAssertFalse(read.reads("lines"))
        // What the values hold for it: those fields, and what bilag reads itself (the plan register's).
        let inv = try DocumentParser.parse(Data(S.med("M1", note: "CPR 010190-1234", amount: "405.00").xml.utf8)).invoice
        let values = InvoiceVariables.values(inv, channel: "c", today: LocalDate(parsing: "2026-11-20")!, needs: InvoiceVariables.Needs(robots: [loaded]))
        guard case let .record(invoice)? = values["invoice"], case let .record(seller)? = values["seller"], case let .record(buyer)? = values["buyer"] else { return XCTFail("\(values)") }
        XCTAssertEqual(Set(invoice.keys), ["currency", "type_code", "note", "order_reference", "due_date", "period_end", "line_count", "project_reference", "contract_reference",
                                           "object_id", "issue_date", "period_start", "accounting_cost", "buyer_reference", "payment_id", "number", "total_with_vat", "identifiers", "texts",
                                           "service_date"], "the effective-dated table's own date (`invoice.service_date` unless a step says otherwise) too")
        XCTAssertEqual(Set(seller.keys), ["vat", "cvr"])
        XCTAssertEqual(Set(buyer.keys), ["ean"])
        XCTAssertNil(values["lines"], "no robot reads the lines")
        // Every value, field for field, is what the full set holds.
        let all = InvoiceVariables.values(inv, channel: "c", today: LocalDate(parsing: "2026-11-20")!)
        guard case let .record(full)? = all["invoice"] else { return XCTFail() }
        for (k, v) in invoice { XCTAssertEqual(v, full[k], k) }
    }

    func input(_ inv: ScenarioInvoice, id: String) throws -> DecisionInput {
        let doc = try DocumentParser.parse(Data(inv.xml.utf8))
        return DecisionInput(invoiceID: id, channel: "test", invoice: doc.invoice, validation: Validator().validate(doc))
    }

    /// Everything of a decision but the timings, the robots' stored traces included.
    func shape(_ r: DecisionRecord) -> String {
        RobotPreworkTests.shape(r) + "\n" + r.decisions.map { $0.traceJSON.replacingOccurrences(of: #""micros":\d+"#, with: "", options: .regularExpression) }.joined(separator: "\n")
    }

    /// The three shipped robots over their scenario months: each decision made with the values they can read is the
    /// one made with every value.
    func testADecisionWithTheValuesTheRobotsReadIsTheDecisionWithEveryValue() throws {
        let w = try RobotWorld(today: "2026-12-20")
        try w.addPlans(S.demoPlans)
        let decider = try XCTUnwrap(w.pipeline.decider as? RobotDecider)
        let (robots, needs) = decider.catalog.robotsAndNeeds
        XCTAssertEqual(robots.count, 3)
        XCTAssertFalse(needs.isEverything, "not every value")
        let invoices = S.medicalMonth + S.rentMonth + [
            ("plan", S.plan("EF-1", cvr: "12345666", ean: "5798000000117", amount: "8200.00", note: "Målepunkt 571313104400123456")),
            ("plan-too-much", S.plan("EF-3", cvr: "12345666", ean: "5798000000117", amount: "25000.00", note: "Målepunkt 571313104400123456")),
            ("plan-phones", S.plan("TD-1", cvr: "12345674", ean: "5798000000124", amount: "1788.00")),
            ("no-plan", S.plan("RG-1", cvr: "12345682", ean: "5798000000209", amount: "3600.00")),
        ]
        var kinds = Set<String>()
        for (i, (name, inv)) in invoices.enumerated() {
            let pruned = try input(inv, id: "inv-\(i)")
            let mine = decider.decide(pruned, connectors: decider.connectors, ahead: true)
            // The same invoice decided with every value: a prework worked out with them, under the same robots.
            var full = pruned
            let today = LocalDate(parsing: "2026-12-20")!
            let ctx = RobotContext(invoiceID: full.invoiceID, channel: full.channel, invoice: full.invoice, today: today, connectors: [:], history: NoHistory(), plans: NoPlans())
            full.prework = RobotPrework(generation: decider.generation.load(ordering: .acquiring), today: today, variables: ctx.variables, matched: RobotDecider.matching(robots, ctx))
            XCTAssertEqual(shape(decider.decide(full, connectors: decider.connectors, ahead: true)), shape(mine), name)
            kinds.insert(String(shape(mine).prefix(12)))
        }
        XCTAssertGreaterThan(kinds.count, 3, "booked and several deviations: \(kinds)")
    }
}
