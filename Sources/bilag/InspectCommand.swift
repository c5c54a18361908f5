import ArgumentParser
import BilagCore
import BilagEngine
import BilagFormats
import BilagValidation
import Foundation

/// `bilag inspect FILE`: the canonical invoice and its validation, without touching any state.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Parse one file and print the canonical invoice and its validation.")

    @Argument(help: "An invoice file (UBL, OIOUBL, PEPPOL BIS 3, EHF, CII).")
    var file: String

    @Flag(help: "Print JSON whose field names are the canonical model's.")
    var json = false

    @OptionGroup var reveal: RevealOptions
    @OptionGroup var op: OperatorOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try reveal.check(note: op.note)
        guard let data = FileManager.default.contents(atPath: file) else {
            throw BilagError("file-unreadable", "cannot read \(file)", remedy: "check the path and its permissions")
        }
        // Revealing is audited in the root's state, so it needs one; masked output needs none.
        let out = reveal.reveal ? Console(try Reveal.bulk([file], reveal, user: (try op.resolvedUser), note: op.note, command: "inspect", store: try global.openStore().1)) : Console()
        switch Examiner().examine(data) {
        case let .quarantine(code, message):
            if json { try out.json(["error": code, "message": message]) } else { out.line("not an invoice bilag can read (\(code)): \(message)") }
            throw ExitStatus.checkFailed.code
        case let .parsed(doc, report):
            if json {
                struct Inspection: Encodable { let invoice: Invoice; let findings: [ParseFinding]; let validation: ValidationReport }
                try out.json(Inspection(invoice: doc.invoice, findings: doc.findings, validation: report))
            } else {
                out.line(InvoiceText.render(doc.invoice))
                out.line("validation (\(report.ruleSet)): " + (report.isValid ? "valid" : "INVALID") + (report.issues.isEmpty ? "" : ", \(report.issues.count) issue(s)"))
                for i in report.issues { out.line("  \(i.severity.rawValue) \(i.ruleID): \(i.message)") }
            }
        }
    }
}

/// A short human rendering of a canonical invoice.
enum InvoiceText {
    static func render(_ inv: Invoice) -> String { Console.safeLines(lines(inv)) }

    /// Its lines, each as the invoice gives it (made safe where they are printed: `Console.safeLines`).
    static func lines(_ inv: Invoice) -> [String] {
        var out: [String] = []
        out.append("\(inv.documentKind == .creditNote ? "Credit note" : "Invoice") \(inv.invoiceNumber ?? "?") of \(inv.issueDate?.description ?? "?") — \(inv.syntax.rawValue.uppercased()), profile \(inv.profile.rawValue)")
        out.append("  seller: \(inv.seller.name ?? inv.seller.tradingName ?? "?") [\(inv.seller.legalRegistrationIdentifier?.description ?? inv.seller.vatIdentifier ?? "-")] endpoint \(inv.seller.electronicAddress?.description ?? "-")")
        out.append("  buyer:  \(inv.buyer.name ?? inv.buyer.tradingName ?? "?") endpoint \(inv.buyer.electronicAddress?.description ?? "-") reference \(inv.buyerReference ?? "-")")
        if let po = inv.purchaseOrderReference { out.append("  order:  \(po)") }
        let cur = inv.documentCurrencyCode?.code ?? ""
        let t = inv.totals
        out.append("  totals: lines \(t.sumOfInvoiceLineNetAmount?.description ?? "-"), without VAT \(t.invoiceTotalAmountWithoutVAT?.description ?? "-"), VAT \(t.invoiceTotalVATAmount?.description ?? "-"), with VAT \(t.invoiceTotalAmountWithVAT?.description ?? "-"), due \(t.amountDueForPayment?.description ?? "-") \(cur)")
        if let due = inv.paymentDueDate { out.append("  due date: \(due)") }
        for l in inv.lines.prefix(20) {
            out.append("  line \(l.identifier ?? "?"): \(l.invoicedQuantity?.description ?? "") \(l.invoicedQuantityUnitCode ?? "") \(l.itemName ?? "") = \(l.netAmount?.description ?? "-") (VAT \(l.vatCategoryCode ?? "-") \(l.vatRate?.description ?? ""))")
        }
        if inv.lines.count > 20 { out.append("  … \(inv.lines.count - 20) more lines") }
        for n in inv.notes.prefix(5) { out.append("  note: \(n.text)") }
        return out
    }
}
