import BilagCore
import BilagEngine
import BilagIntake
import BilagStore
import Foundation

/// Everything an operator needs to judge one invoice: the record, the re-read invoice, the reason, the trace and the audit trail.
struct InvoiceView: Encodable {
    let record: InvoiceRecord
    let invoice: Invoice?
    let validation: EmbeddedJSON?
    let trace: EmbeddedJSON?
    let events: [InvoiceEvent]
    let decisions: [StoredDecision]
    let originalPath: String
    /// Where bilag pays: the invoice's payment (its state, what is left to pay, and the one file it is in).
    let payment: PaymentRecord?
    /// Its write-backs to case systems, each with its state, and where its booking stands (`released` to the Outbox,
    /// `held` for its write-backs, `none`): both systems' side.
    let caseUpdates: [Store.CaseUpdateRow]
    let booking: String

    /// Raw JSON kept as it was stored.
    struct EmbeddedJSON: Encodable {
        let text: String
        func encode(to encoder: Encoder) throws {
            let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
            var c = encoder.singleValueContainer()
            try c.encode(AnyJSON(value))
        }
    }

    static func load(_ q: ManualQueue, id: String) throws -> InvoiceView {
        let r = try q.find(id)
        let docs = try q.pipeline.store.documents(r.id)
        let path = q.pipeline.config.statePath + "/" + r.storedPath
        var invoice: Invoice?
        if let data = KeptOriginal.read(path, sha256: r.sha256), case let .parsed(doc, _) = Examiner().examine(data) { invoice = doc.invoice }
        let store = q.pipeline.store
        let booking = try store.isReleased(r.id) ? "released" : try store.isHeld(r.id) ? "held" : "none"
        return InvoiceView(record: r, invoice: invoice, validation: docs.validation.map(EmbeddedJSON.init), trace: docs.trace.map(EmbeddedJSON.init), events: try store.events(r.id), decisions: try store.decisions(invoice: r.id), originalPath: path,
                           payment: try store.payment(r.id), caseUpdates: try store.caseUpdates(invoice: r.id), booking: booking)
    }

    var text: String {
        var out: [String] = []
        out.append("invoice \(record.id): \(record.state.rawValue)" + (record.reasonCode.map { " — \($0)" } ?? ""))
        if let m = record.reasonMessage { out.append("reason: \(m)") }
        if let d = record.duplicateOf { out.append("duplicate of: \(d)") }
        out.append("received \(record.receivedAt) on channel \(record.channel) as \(record.sourcePath) (\(record.size) bytes, sha256 \(record.sha256.prefix(16))…)")
        out.append("original kept at \(originalPath)")
        if let p = payment {
            let where_ = p.file.map { " in \($0), requested for \(p.requestedDate ?? "-")" } ?? ""
            out.append("payment: \(p.state) — \(p.currency) \(p.openAmount.rounded(2)) of \(p.amount.rounded(2))\(where_)" + (p.reason.map { " (\($0))" } ?? ""))
        }
        if let invoice { out.append(""); out.append(contentsOf: InvoiceText.lines(invoice)) }
        for d in decisions {
            out.append("")
            out.append("robot decision (\(d.mode)) at \(d.decidedAt): \(d.robot) version \(d.robotHash.prefix(12)) — \(d.outcome)" + (d.reasonCode.map { " \($0)" } ?? ""))
            if let basis = d.legalBasis { out.append("  legal basis: \(basis)") }
        }
        if let trace, let steps = try? JSONDecoder().decode([TraceStep].self, from: Data(trace.text.utf8)) {
            out.append(""); out.append("decision trace:")
            for s in steps { out.append("  \(s.step): \(s.result)" + (s.detail.map { " — \($0)" } ?? "") + (s.micros.map { " (\($0) µs)" } ?? "")) }
        }
        if let validation, let obj = try? JSONSerialization.jsonObject(with: Data(validation.text.utf8)) as? [String: Any], let issues = obj["issues"] as? [[String: Any]] {
            out.append(""); out.append("validation issues:")
            for i in issues { out.append("  \(i["severity"] ?? "") \(i["ruleID"] ?? i["rule_id"] ?? ""): \(i["message"] ?? "")") }
        }
        if !caseUpdates.isEmpty {
            out.append(""); out.append("case-system write-backs (booking \(booking)):")
            for u in caseUpdates {
                // Whole keys: a re-run's KEY-2 and a reversal's KEY-c differ from KEY only at the end.
                let what = u.compensates == nil ? u.action : "\(u.action) (reverses \(u.compensates!))"
                var line = "  \(u.connector) \(what): \(u.state)"
                if u.state == "pending", let since = u.failingSince { line += ", waiting for connector \(u.connector) since \(since), next try \(u.retryAt ?? "now")" }
                if let e = u.lastError { line += ", last error: \(PersonalData.maskCPR(e))" }
                if let f = u.file { line += ", written to \(f)" }
                out.append(line + " (key \(u.idempotencyKey), \(u.attempts) attempt(s))")
            }
        }
        out.append(""); out.append("audit trail:")
        for e in events { out.append("  \(e.at) \(e.actor) \(e.action)" + (e.toState.map { " → \($0)" } ?? "") + (e.detail.map { " \($0)" } ?? "")) }
        return Console.safeLines(out)
    }
}

/// Encodes a JSONSerialization value.
struct AnyJSON: Encodable {
    let value: Any
    init(_ value: Any) { self.value = value }
    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch value {
        case let v as String: try c.encode(v)
        case let v as Bool: try c.encode(v)
        case let v as Int: try c.encode(v)
        case let v as Double: try c.encode(v)
        case let v as [Any]: try c.encode(v.map(AnyJSON.init))
        case let v as [String: Any]: try c.encode(v.mapValues(AnyJSON.init))
        default: try c.encodeNil()
        }
    }
}
