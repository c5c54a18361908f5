import ArgumentParser
import BilagCore
import BilagEngine
import BilagStore
import Foundation

/// `bilag suppliers`: each supplier's known payee accounts, which the invoice-fraud guard checks invoices against.
struct SuppliersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "suppliers", abstract: "Suppliers' known payee accounts (the invoice-fraud guard).",
                                                    subcommands: [Show.self, Import.self, Confirm.self])

    static func open(_ global: GlobalOptions) throws -> SupplierAccounts { SupplierAccounts(pipeline: try pipeline(global)) }

    /// The pipeline of an existing root, for commands that act on its store and Outbox (suppliers, payments).
    static func pipeline(_ global: GlobalOptions) throws -> Pipeline {
        let config = try global.loadExisting()
        JSONLogHandler.bootstrap(level: "warning")
        return try Pipeline.withRobots(config: config)
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the known payee accounts, of one supplier or all, with where each came from, who imported and who confirmed it.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "One JSON object per account.") var json = false
        @Argument(help: "A supplier's CVR or organisation number (all when left out).") var supplier: String?

        func run() throws {
            JSONLogHandler.bootstrap(level: "critical")
            guard let store = try global.readStore().1 else { Console().line("no payee accounts yet"); return }
            let accounts = try store.payeeAccounts(supplier: supplier.map(Identifiers.normalizedPartyKey))
            let out = Console()
            if json { out.write(try out.jsonLines(accounts)); return }
            // Who vouched for each account: who imported it into the supplier's master data and who confirmed it (neither
            // may release a payment into it).
            out.table(["SUPPLIER", "ACCOUNT", "SOURCE", "FIRST SEEN", "LAST SEEN", "IMPORTED BY", "CONFIRMED BY", "INVOICE", "NOTE"], accounts.map {
                [$0.supplierKey, $0.label, $0.source, String($0.firstSeen.prefix(10)), String($0.lastSeen.prefix(10)), $0.importedBy ?? "-", $0.confirmedBy ?? "-", $0.invoiceID ?? "-", $0.note ?? ""]
            })
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import supplier master data: known payee accounts from CSV (header: supplier,account,bic,note).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var op: OperatorOptions
        @Argument(help: "The CSV file.") var file: String

        func run() throws {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw BilagError("file-unreadable", "cannot read \(file)", remedy: "check the path and its permissions")
            }
            let n = try SuppliersCommand.open(global).importCSV(text, file: file, by: (try op.resolvedUser))
            Console().line("imported \(n) payee account(s)")
        }
    }

    struct Confirm: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Confirm the new payee account an invoice held as payee-account-changed asks for (audited); another operator then retries or approves the invoice.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var op: OperatorOptions
        @Option(help: "The invoice held as payee-account-changed.") var invoice: String

        func run() throws {
            let r = try SuppliersCommand.open(global).confirm(invoice: invoice, by: (try op.resolvedUser), note: op.note)
            Console().line("confirmed \(r.label) for supplier \(r.supplierKey) (by \((try op.resolvedUser))); another operator can now retry or approve invoice \(invoice)")
        }
    }
}
