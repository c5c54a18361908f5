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

    static func open(_ global: GlobalOptions) throws -> ManualQueue {
        let config = try global.load()
        JSONLogHandler.bootstrap(level: "warning")
        return try Bilag.guarded { ManualQueue(pipeline: try Pipeline.withRobots(config: config)) }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the invoices waiting for a human, newest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this reason code (e.g. no-robot, validation-failed, duplicate-invoice).") var reason: String?
        @Flag(help: "Show quarantined files instead of the manual queue.") var quarantined = false
        @Option(help: "At most this many.") var limit = 100
        @Flag(help: "JSON for scripts.") var json = false

        func run() throws {
            let q = try QueueCommand.open(global)
            let rows = try q.pipeline.store.invoices(state: quarantined ? .quarantined : .manual, reason: reason, limit: limit)
            if json { try Output.json(rows); return }
            if rows.isEmpty { Output.line("the queue is empty"); return }
            Output.table(["ID", "RECEIVED", "REASON", "SUPPLIER", "NUMBER", "AMOUNT", "MESSAGE"], rows.map {
                [$0.id, String($0.receivedAt.prefix(19)), $0.reasonCode ?? "-", $0.sellerName ?? $0.sellerKey ?? "-", $0.invoiceNumber ?? "-", [$0.amountDue, $0.currency].compactMap { $0 }.joined(separator: " "), $0.reasonMessage ?? ""]
            })
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one invoice: its reason, the decision trace, validation and audit trail.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var op: OperatorOptions
        @Argument(help: "The invoice id (or a unique prefix).") var id: String
        @Flag(help: "Open the invoice: CPR numbers shown unmasked; the opening is audited.") var reveal = false
        @Flag(help: "JSON for scripts.") var json = false

        func run() throws {
            let q = try QueueCommand.open(global)
            let view = try Bilag.guarded { try InvoiceView.load(q, id: id) }
            if reveal { try q.pipeline.store.audit(view.record.id, actor: "operator:\(op.resolvedUser)", action: "opened", detail: nil) }
            if json { try Output.json(view, reveal: reveal); return }
            Output.line(view.text, reveal: reveal)
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
                guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--dim takes name=value, got \(d)") }
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
        @Argument(help: "The invoice id.") var id: String

        func run() throws {
            let q = try QueueCommand.open(global)
            let input = try posting.input()
            let r = try Bilag.guarded { try q.approve(id, posting: input, by: op.resolvedUser, note: op.note, overrideDuplicate: overrideDuplicate) }
            Output.line("\(r.id) booked by \(op.resolvedUser)")
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
            guard let input = try posting.input() else { throw ValidationError("correct needs --account") }
            let r = try Bilag.guarded { try q.correct(id, posting: input, by: op.resolvedUser, note: op.note) }
            Output.line("\(r.id) corrected by \(op.resolvedUser); another operator must approve it")
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
                throw ValidationError("unknown code \(code); use one of \(RejectionCode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let q = try QueueCommand.open(global)
            let r = try Bilag.guarded { try q.reject(id, code: c, by: op.resolvedUser, note: op.note) }
            Output.line("\(r.id) rejected (\(c.label)) by \(op.resolvedUser)")
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run an invoice through the pipeline again from its kept original.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var op: OperatorOptions
        @Argument(help: "The invoice id.") var id: String

        func run() throws {
            let q = try QueueCommand.open(global)
            let r = try Bilag.guarded { try q.retry(id, by: op.resolvedUser, note: op.note) }
            Output.line("\(r.id) re-run: now \(r.state.rawValue)" + (r.reasonCode.map { " (\($0))" } ?? ""))
        }
    }
}
