import ArgumentParser
import BilagCore
import BilagEngine
import BilagStore
import Foundation
import Logging

/// `bilag queue`: the manual queue from the command line.
struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Work the manual queue: list, show, approve, correct, reject, retry.",
        subcommands: [List.self, Show.self, Approve.self, Correct.self, Reject.self, Retry.self])

    /// The queue of an existing bilag root (nothing is created where there is none).
    static func open(_ global: GlobalOptions) throws -> ManualQueue {
        let config = try global.loadExisting()
        JSONLogHandler.bootstrap(level: "warning")
        return ManualQueue(pipeline: try Pipeline.withRobots(config: config))
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the invoices waiting for a human, newest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this reason code (e.g. no-robot, validation-failed, duplicate-invoice).") var reason: String?
        @Flag(help: "Show quarantined files instead of the manual queue.") var quarantined = false
        @OptionGroup var page: PageOptions
        @Flag(help: "JSON for scripts: {invoices, total, offset, limit}.") var json = false

        func run() throws {
            let (config, store) = try global.readStore()
            let state: InvoiceState = quarantined ? .quarantined : .manual
            let limit = page.limit ?? 100
            let rows = try store?.invoices(state: state, reason: reason, limit: limit, offset: page.offset) ?? []
            let total = try store?.invoiceCount(state: state, reason: reason) ?? 0
            let out = Console()
            if store == nil && !json { out.line(NotRunYet.text(config)) }
            if json { try out.json(Page(invoices: rows, total: total, offset: page.offset, limit: limit)); return }
            if total == 0, let reason, let store {
                // A reason is a robot's word as much as bilag's, so any may be asked for; a misspelt one is told apart
                // from an empty queue by the reasons there are.
                let there = (try store.counts().byReason[state.rawValue] ?? [:]).keys.sorted()
                out.line("no \(quarantined ? "quarantined file" : "invoice in the queue") has reason '\(reason)'" + (there.isEmpty ? "" : "; the reasons there now: \(there.joined(separator: ", "))"))
                return
            }
            if total == 0 { out.line(quarantined ? "nothing is quarantined" : "the queue is empty"); return }
            out.table(["ID", "RECEIVED", "REASON", "SUPPLIER", "NUMBER", "AMOUNT", "MESSAGE"], rows.map {
                [$0.id, String($0.receivedAt.prefix(19)), $0.reasonCode ?? "-", $0.sellerName ?? $0.sellerKey ?? "-", $0.invoiceNumber ?? "-", [$0.amountDue, $0.currency].compactMap { $0 }.joined(separator: " "), $0.reasonMessage ?? ""]
            })
            out.line(page.footer(shown: rows.count, total: total, limit: limit))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one invoice: its reason, the decision trace, validation and audit trail.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var op: OperatorOptions
        @Argument(help: "The invoice id (or a unique prefix).") var id: String
        @OptionGroup var reveal: RevealOptions
        @Flag(help: "JSON for scripts.") var json = false

        func run() throws {
            _ = try reveal.requestedPurpose()   // refused before anything is opened
            let q = try QueueCommand.open(global)
            let view = try InvoiceView.load(q, id: id)
            let out = Console(try Reveal.invoice(view.record.id, reveal, user: (try op.resolvedUser), note: op.note, command: "queue show", store: q.pipeline.store))
            // A note without an opening is an operator's remark on the invoice: kept in its trail, never dropped.
            if out.reveal == nil, let note = op.note {
                try q.pipeline.store.audit(view.record.id, actor: try op.actor, action: "noted", detail: try AuditDetail.json(["note": note]))
            }
            // The opening or note just audited is part of the trail shown.
            let shown = out.reveal == nil && op.note == nil ? view : try InvoiceView.load(q, id: view.record.id)
            if json { try out.json(shown); return }
            out.line(shown.text)
        }
    }

    struct PostingOptions: ParsableArguments {
        @Option(help: "The ledger account.") var account: String?
        @Option(name: .customLong("dim"), help: "A dimension as name=value (repeatable), e.g. --dim costcentre=4711.") var dimensions: [String] = []
        @Option(help: "The VAT code the ERP applies, e.g. I25.") var vatCode: String?

        func input() throws -> ManualQueue.PostingInput? {
            guard let account else { return nil }
            var dims: [String: String] = [:]
            for d in dimensions {
                let parts = d.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty else { throw BilagError("dimension-invalid", "--dim takes name=value, got \(d)", remedy: "for example --dim costcentre=4711") }
                dims[parts[0]] = parts[1]
            }
            return ManualQueue.PostingInput(account: account, dimensions: dims, vatCode: vatCode)
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Book an invoice from the queue with a posting (or with a colleague's correction).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var op: OperatorOptions
        @OptionGroup var posting: PostingOptions
        @Option(help: "Book an invoice flagged as a duplicate anyway, giving the reason (kept in the audit trail).") var overrideDuplicate: String?
        @Flag(help: "Book it without bilag paying it (it is paid outside bilag).") var noPayment = false
        @Flag(help: "Book it without the robot's write-backs (the benefit deduction, the order marked invoiced): you made them in the case system by hand (kept in the audit trail).") var withoutWriteBacks = false
        @Argument(help: "The invoice id.") var id: String

        func run() throws {
            let q = try QueueCommand.open(global)
            let input = try posting.input()
            let r = try q.approve(id, posting: input, by: (try op.resolvedUser), note: op.note, overrideDuplicate: overrideDuplicate, pay: !noPayment, withoutWriteBacks: withoutWriteBacks)
            let held = try q.pipeline.store.caseUpdates(invoice: r.id).filter { $0.state == "pending" }
            Console().line("\(r.id) booked by \((try op.resolvedUser))" + (held.isEmpty ? "" : "; held until the case system confirms \(held.map { "\($0.connector)/\($0.action)" }.joined(separator: ", "))"))
        }
    }

    struct Correct: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Propose a posting for an invoice; another operator approves it.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var op: OperatorOptions
        @OptionGroup var posting: PostingOptions
        @Argument(help: "The invoice id.") var id: String

        func run() throws {
            let q = try QueueCommand.open(global)
            guard let input = try posting.input() else { throw BilagError("posting-missing", "correct needs a posting", remedy: "give --account (and --dim name=value, --vat-code)") }
            let r = try q.correct(id, posting: input, by: (try op.resolvedUser), note: op.note)
            Console().line("\(r.id) corrected by \((try op.resolvedUser)); another operator must approve it")
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject an invoice with a deletion code; it is never booked or paid.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var op: OperatorOptions
        @Option(help: "The deletion code: \(RejectionCode.allCases.map(\.rawValue).joined(separator: ", ")).") var code: String
        @Argument(help: "The invoice id.") var id: String

        func run() throws {
            guard let c = RejectionCode(rawValue: code) else {
                throw BilagError("code-unknown", "unknown deletion code \(code)", remedy: "use one of \(RejectionCode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let q = try QueueCommand.open(global)
            let r = try q.reject(id, code: c, by: (try op.resolvedUser), note: op.note)
            Console().line("\(r.id) rejected (\(c.label)) by \((try op.resolvedUser))")
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run an invoice through the pipeline again from its kept original.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var op: OperatorOptions
        @Argument(help: "The invoice id.") var id: String

        func run() throws {
            let q = try QueueCommand.open(global)
            let r = try q.retry(id, by: (try op.resolvedUser), note: op.note)
            Console().line("\(r.id) re-run: now \(r.state.rawValue)" + (r.reasonCode.map { " (\($0))" } ?? ""))
        }
    }
}
