import ArgumentParser
import BilagCore
import BilagEngine
import BilagOutbox
import BilagStore
import Foundation

/// `bilag payments`: the payments bilag keeps, and the operator's ways out for a blocked one (audited).
struct PaymentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "payments", abstract: "Payments to be made in pain.001 files: list them, release a blocked one, cancel one paid by hand.",
                                                    subcommands: [List.self, Release.self, Cancel.self])

    static func open(_ global: GlobalOptions) throws -> BlockedPayments { BlockedPayments(pipeline: try SuppliersCommand.pipeline(global)) }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List payments (open, held, settled, filed, not-paid, blocked) with their state, amount and reason.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only payments in this state: open, held, settled, filed, not-paid or blocked.") var state: String?
        @Flag(help: "One JSON object per payment.") var json = false

        /// The states a payment can be in.
        static let states = ["open", "held", "settled", "filed", "not-paid", "blocked"]

        func run() throws {
            JSONLogHandler.bootstrap(level: "critical")
            if let state, !Self.states.contains(state) {
                throw BilagError("unknown-state", "no payment is ever in state '\(state)'", remedy: "use one of \(Self.states.joined(separator: ", "))")
            }
            guard let store = try global.readStore().1 else { Console().line("no payments yet"); return }
            let payments = try store.payments(state: state)
            let out = Console()
            if json { out.write(try out.jsonLines(payments)); return }
            // A payment filed into a file not written yet (the Outbox could not write it: `bilag status`) is `filing`:
            // no bank has it.
            let unwritten = Set(try store.paymentFiles().filter { $0.state != "written" }.map(\.name))
            out.table(["INVOICE", "STATE", "SUPPLIER", "AMOUNT", "DUE", "FILE", "REASON"], payments.map { p in
                let filing = p.state == "filed" && p.file.map(unwritten.contains) == true
                return [p.invoiceID, filing ? "filing" : p.state, p.supplierName ?? p.supplierKey ?? "-", "\(p.currency) \(p.openAmount.rounded(Voucher.minorUnit(p.currency)))", p.dueDate ?? "-",
                        p.file.map { filing ? "\($0) (not written yet)" : $0 } ?? "-", p.reason ?? ""]
            })
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Release a blocked payment into the next payment file once what blocked it is mended (its account confirmed by another operator); audited.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var op: OperatorOptions
        @Argument(help: "The invoice whose payment is blocked.") var invoice: String

        func run() throws {
            let p = try PaymentsCommand.open(global).release(invoice, by: (try op.resolvedUser), note: op.note)
            Console().line("released the payment of invoice \(p.invoiceID) (by \((try op.resolvedUser))): \(p.state)\(p.file.map { " in \($0)" } ?? ", waiting for its execution date")")
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a blocked or waiting payment: bilag will not pay it (pay it by hand); --note says why; audited.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var op: OperatorOptions
        @Argument(help: "The invoice whose payment bilag is not to make.") var invoice: String

        func run() throws {
            let p = try PaymentsCommand.open(global).cancel(invoice, by: (try op.resolvedUser), note: op.note)
            Console().line("cancelled the payment of invoice \(p.invoiceID) (by \((try op.resolvedUser))): bilag will not pay it")
        }
    }
}
