import ArgumentParser
import BilagCore
import BilagEngine
import BilagRobots
import BilagStore
import Foundation

/// `bilag plans`: payment plans, invoice plans and pre-postings.
struct PlansCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plans", abstract: "Manage payment plans, invoice plans and pre-postings.",
                                                    subcommands: [Add.self, List.self, Show.self, Import.self, End.self, Due.self])

    /// The store of a bilag root, for commands that change plans: plans may be set up before the daemon first runs,
    /// so the database is created in a bilag root that has none yet (never outside one).
    static func store(_ global: GlobalOptions) throws -> Store {
        let config = try global.loadRoot()
        JSONLogHandler.bootstrap(level: "critical")
        return try Store(path: config.databasePath)
    }

    /// The store of a bilag root whose database exists, for `plans end`.
    static func existingStore(_ global: GlobalOptions) throws -> Store {
        JSONLogHandler.bootstrap(level: "critical")
        return try global.openStore().1
    }

    /// The store of a bilag root for commands that only read plans; nil before bilag first ran there (no plans).
    static func readStore(_ global: GlobalOptions) throws -> Store? {
        JSONLogHandler.bootstrap(level: "critical")
        return try global.readStore().1
    }

    /// Refuses a plan whose posting the posting rules do not allow: the robot would only send its invoices to manual.
    static func checkPosting(_ plan: PaymentPlan, _ global: GlobalOptions) throws {
        let rules = try global.load().postingRules
        let problems = rules.problems(account: plan.account, dimensions: plan.dimensions, vatCode: plan.vatCode)
        guard problems.isEmpty else {
            throw BilagError("plan-invalid", "plan \(plan.id): the posting is refused: \(problems.joined(separator: "; "))", remedy: "give the plan a posting the ledger takes (\(rules.summary))")
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a plan.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var op: OperatorOptions
        @Option(help: "A unique id, e.g. P-EL-RAADHUS.") var id: String
        @Option(help: "A name people recognise.") var name: String?
        @Option(help: "payment-plan, invoice-plan or pre-posting.") var kind = "payment-plan"
        @Option(help: "The supplier's CVR.") var supplierCvr: String
        @Option(help: "The receiving institution's EAN.") var receiverEan: String
        @Option(help: "Lowest amount due accepted.") var minAmount: String?
        @Option(help: "Highest amount due accepted.") var maxAmount: String?
        @Option(help: "monthly, quarterly or yearly: at most one invoice per period.") var cadence: String?
        @Option(help: "The buyer's order number the invoices carry.") var orderNumber: String?
        @Option(help: "A prefix of the invoice numbers.") var invoicePrefix: String?
        @Option(help: "An identifier printed on the invoices: metering point, phone or contract number.") var identifier: String?
        @Option(help: "The ledger account.") var account: String
        @Option(name: .customLong("dim"), help: "A dimension name=value (repeatable).") var dims: [String] = []
        @Option(help: "The VAT code.") var vatCode: String?
        @Option(help: "First day the plan applies (YYYY-MM-DD).") var validFrom: String
        @Option(help: "Last day the plan applies (YYYY-MM-DD); leave out for an open-ended plan.") var validTo: String?

        func run() throws {
            let s = try PlansCommand.store(global)
            let plan = try PlanInput(id: id, name: name, kind: kind, supplierCVR: supplierCvr, receiverEAN: receiverEan, minAmount: minAmount, maxAmount: maxAmount, cadence: cadence,
                              orderNumber: orderNumber, invoicePrefix: invoicePrefix, identifier: identifier, account: account, dimensions: dims.joined(separator: ";"),
                              vatCode: vatCode, validFrom: validFrom, validTo: validTo ?? "", note: op.note).plan(by: (try op.resolvedUser))
            try PlansCommand.checkPosting(plan, global)
            try s.addPlan(plan)
            try s.auditAction(actor: try op.actor, action: "plan-added", subject: plan.id, detail: try AuditDetail.json(["note": op.note]))
            Console().line("plan \(plan.id) added by \((try op.resolvedUser))")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the plans.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Include ended plans.") var all = false
        @Flag(help: "JSON for scripts.") var json = false
        func run() throws {
            let plans = try PlansCommand.readStore(global)?.plans(includeEnded: all) ?? []
            let out = Console()
            if json { try out.json(plans); return }
            out.table(["ID", "KIND", "SUPPLIER", "RECEIVER", "CRITERIA", "AMOUNT", "CADENCE", "ACCOUNT", "VALID"], plans.map { p in
                let criteria = [p.orderNumber.map { "order \($0)" }, p.invoicePrefix.map { "prefix \($0)" }, p.identifier.map { "id \($0)" }].compactMap { $0 }.joined(separator: ", ")
                return [p.id, p.kind, p.supplierCVR, p.receiverEAN, criteria.isEmpty ? "-" : criteria, "\(p.minAmount?.description ?? "")–\(p.maxAmount?.description ?? "")",
                        p.cadence ?? "-", p.account, "\(p.validFrom)…\(p.isOpenEnded ? "" : p.validTo.description)" + (p.endedAt == nil ? "" : " (ended)")]
            })
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one plan.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String
        func run() throws {
            guard let p = try PlansCommand.readStore(global)?.plan(id) else {
                throw BilagError("plan-not-found", "no plan has the id \(id)", remedy: "list the plans with `bilag plans list --all`")
            }
            try Console().json(p)
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import plans from a CSV file (header: id,name,kind,supplier_cvr,receiver_ean,min_amount,max_amount,cadence,order_number,invoice_prefix,identifier,account,dimensions,vat_code,valid_from,valid_to,note; dimensions as name=value;name=value).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var op: OperatorOptions
        @Argument var file: String
        @Flag(help: "Skip plans whose id exists already instead of failing.") var skipExisting = false
        func run() throws {
            let s = try PlansCommand.store(global)
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw BilagError("file-unreadable", "cannot read \(file)", remedy: "check the path and its permissions")
            }
            let plans = try PlanCSV.parse(text, by: (try op.resolvedUser), file: file)
            // All or nothing: a file with one plan the ledger would refuse imports none.
            for p in plans { try PlansCommand.checkPosting(p, global) }
            var added = 0, skipped = 0
            for p in plans {
                if skipExisting, try s.plan(p.id) != nil { skipped += 1; continue }
                try s.addPlan(p)
                added += 1
            }
            try s.auditAction(actor: try op.actor, action: "plans-imported", subject: file, detail: try AuditDetail.json(["note": op.note, "added": String(added), "skipped": String(skipped)]))
            Console().line("imported \(added) plan(s)" + (skipped > 0 ? ", skipped \(skipped) existing" : ""))
        }
    }

    struct End: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a plan now.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var op: OperatorOptions
        @Argument var id: String
        func run() throws {
            let s = try PlansCommand.existingStore(global)
            try s.endPlan(id)
            try s.auditAction(actor: try op.actor, action: "plan-ended", subject: id, detail: try AuditDetail.json(["note": op.note]))
            Console().line("plan \(id) ended by \((try op.resolvedUser))")
        }
    }

    struct Due: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Plans ending within 30 days (or already expired): renew them.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Days ahead.") var days = 30
        @Option(help: "Count from this date (default today).") var today: String?
        @Flag(help: "JSON for scripts.") var json = false
        func run() throws {
            let date = today.flatMap { LocalDate(parsing: $0) } ?? LocalDate.today()
            let plans = try PlansCommand.readStore(global)?.plansDue(within: days, today: date) ?? []
            let out = Console()
            if json { try out.json(plans); return }
            if plans.isEmpty { out.line("no plan ends within \(days) days"); return }
            out.table(["ID", "NAME", "SUPPLIER", "RECEIVER", "VALID TO", "DAYS LEFT"], plans.map { [$0.id, $0.name ?? "-", $0.supplierCVR, $0.receiverEAN, $0.validTo.description, String(date.days(until: $0.validTo))] })
        }
    }
}

