import BilagCore
import BilagRobots
import BilagStore
import BilagValidation
import Foundation

/// One examined file as the committing thread needs it: the examiner's result, plus what follows from it alone
/// (the database summary, the duplicate keys, the parse and validate trace steps, the validation issues as JSON).
/// These are worked out on the examination workers, in parallel, so the committing thread, which every batch passes
/// through one at a time, only routes, decides and writes.
struct Examination: Sendable {
    let result: Examiner.Result
    let summary: InvoiceSummary?
    /// Seller key, kind and invoice number, when the invoice names a supplier and a number (the duplicate check's key).
    let businessKey: Store.DuplicateProbe.BusinessKey?
    /// The parse and validate steps of the decision trace.
    let steps: [TraceStep]
    /// `steps` as the trace's JSON begins (`TraceStep.json`), written here rather than on the committing thread.
    let stepsWritten: WrittenSteps?
    /// The validation issues as the database keeps them; nil when there are none.
    let validationJSON: String?
    /// Why the invoice is held for its issue date (`IssueDateGate`); nil when the date was read.
    let issueDateHold: String?
    /// Its lookups to slow case systems, asked ahead while it waited for its turn to commit (`Decider.prepare`).
    var lookups: PrefetchedLookups?
    /// Its decision made ahead on the worker that examined it (`Decider.decideAhead`), for the commit to confirm.
    var decidedAhead: (any DecidedAhead)?
    /// What its decision needs from the invoice alone, worked out on the worker that examined it (`Decider.prework`).
    var prework: (any DecisionPrework)?

    /// `encoder` is the one the pipeline writes the database's JSON with (safe to share between threads).
    init(_ result: Examiner.Result, encoder: JSONEncoder) {
        self.result = result
        guard case let .parsed(doc, report) = result else {
            summary = nil; businessKey = nil; steps = []; stepsWritten = nil; validationJSON = nil; issueDateHold = nil
            return
        }
        // The business key is the summary's (the seller key, a normalisation, is worked out once).
        let summary = InvoiceSummary(invoice: doc.invoice)
        self.summary = summary
        if let seller = summary.sellerKey, let number = summary.invoiceNumber, let key = summary.numberKey {
            businessKey = .init(sellerKey: seller, documentKind: summary.documentKind, numberKey: key, invoiceNumber: number, issueDate: summary.issueDate)
        } else {
            businessKey = nil
        }
        steps = [TraceStep(step: "parse", result: "\(doc.invoice.syntax.rawValue) \(doc.invoice.documentKind.rawValue), profile \(doc.invoice.profile.rawValue)"),
                 TraceStep(step: "validate", result: report.isValid ? "valid" : "invalid", detail: "\(report.issues.count) issue(s) under \(report.ruleSet)")]
        stepsWritten = WrittenSteps(steps)
        issueDateHold = IssueDateGate.hold(doc)
        validationJSON = report.issues.isEmpty ? nil : (try? encoder.encode(report)).map { String(decoding: $0, as: UTF8.self) }
    }
}
