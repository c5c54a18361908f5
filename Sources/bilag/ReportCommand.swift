import ArgumentParser
import BilagCore
import BilagEngine
import BilagOutbox
import BilagStore
import Foundation

/// `bilag report`: what a day brought, and whether the Outbox reconciles with the store.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports on bilag's work and its Outbox.",
        subcommands: [Day.self, Check.self])

    struct Day: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One day: outcomes per robot with counts and amounts, the files written with their counts, sums and checksums, and the reconciliation of every writer's files with the store (exit 0 when they reconcile, 5 when not).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The day, YYYY-MM-DD, in the municipality's time zone (the payments writer's country's, else Denmark's); today when left out.") var date: String?
        @Flag(help: "JSON for scripts.") var json = false

        func run() throws {
            JSONLogHandler.bootstrap(level: "critical")
            let (config, store) = try global.openStore()
            let today = ReportDay.today(config)
            guard let day = date.map({ ReportDay.parse($0, config: config) }) ?? today else {
                throw BilagError("usage", "'\(date ?? "")' is not a date", remedy: "give the day as YYYY-MM-DD, e.g. \(today.date)")
            }
            let report = try DayReport(day: day, config: config, store: store)
            if json {
                try Console().json(report)
            } else {
                let out = Console()
                out.line("bilag on \(report.date) (\(report.timeZone), from local midnight to midnight)")
                out.line("decided, per robot and outcome:")
                if report.outcomes.isEmpty { out.line("  nothing") }
                for o in report.outcomes {
                    out.line("  \(o.robot.padding(toLength: 22, withPad: " ", startingAt: 0)) \(o.outcome.padding(toLength: 12, withPad: " ", startingAt: 0)) \(String(o.count).leftPadded(6))  \(Self.money(o.amounts))")
                }
                out.line("files written:")
                if report.files.isEmpty { out.line("  none") }
                for f in report.files {
                    out.line("  \(f.writer)/\(f.file): \(f.count) booking(s), \(Self.money(f.sums.mapValues { $0.amountDue })) due, sha256 \(f.sha256.prefix(16))…, checksum \(f.checksum)")
                }
                out.line("reconciliation (all files):")
                for r in report.reconciliation {
                    out.line("  \(r.writer): \(r.booked) booked, \(r.written) in files, \(r.waiting) waiting for their file\(r.ok ? " — reconciles" : " — DOES NOT reconcile")")
                    for t in r.twice { out.line("    in two files: \(t)") }
                    for u in r.unknown { out.line("    in a file, not booked in the store: \(u)") }
                    for m in r.mismatched { out.line("    file whose sums or bytes are not its bookings': \(m)") }
                    for w in r.unwritable { out.line("    cannot be written as the layout stands, and holds back every later booking: \(w)") }
                }
                if let p = report.payments { Self.show(p, out) }
            }
            if !report.ok { throw ExitStatus.checkFailed.code }
        }

        static func show(_ p: PaymentsReport, _ out: Console) {
            out.line("payments (\(p.writer)):")
            out.line("  paid (in files written this day): \(p.paidCount) payment(s), \(money(p.paid))")
            out.line("  waiting for their execution date: \(p.waitingCount) invoice(s), \(money(p.waiting))")
            for r in p.byRobot {
                out.line("  \(r.robot.padding(toLength: max(21, r.robot.count), withPad: " ", startingAt: 0))  paid \(r.paidCount) \(money(r.paid)); waiting \(r.waitingCount) \(money(r.waiting))")
            }
            out.line("  credit held for suppliers' next invoices: \(money(p.heldCredits)); invoices settled by credit notes: \(p.settledCount)")
            for b in p.blocked { out.line("  not payable: \(b)") }
            for f in p.files { out.line("  \(p.writer)/\(f.file): \(f.count) payment(s), \(money(f.sums)), sha256 \(f.sha256.prefix(16))…, checksum \(f.checksum)") }
            out.line("  reconciliation: \(p.filed) filed, \(p.inFiles) in files\(p.ok ? " — reconciles" : " — DOES NOT reconcile")")
            for t in p.twice { out.line("    in two payment files: \(t)") }
            for u in p.unknown { out.line("    in a payment file the store did not file it in: \(u)") }
            for m in p.missing { out.line("    filed, but in no payment file: \(m)") }
            for m in p.mismatched { out.line("    payment file whose count, sums or bytes are not its invoices': \(m)") }
        }

        static func money(_ amounts: [String: Amount]) -> String {
            amounts.isEmpty ? "-" : amounts.keys.sorted().map { "\($0) \(amounts[$0]!.rounded(Voucher.minorUnit($0)))" }.joined(separator: ", ")
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every invoice where bilag and its case systems disagree: a booking released while a write-back is unconfirmed, a write-back that took effect without its booking (and its reversal's state), a booking held for a write-back, a write-back given up (exit 0 when they agree, 5 when not).")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "JSON for scripts.") var json = false

        func run() throws {
            JSONLogHandler.bootstrap(level: "critical")
            let (_, store) = try global.openStore()
            let check = try CaseCheck(store: store)
            if json {
                try Console().json(check)
            } else {
                let out = Console()
                out.line(check.ok ? "bilag and its case systems agree on every invoice" : "\(check.findings.count) disagreement(s) between bilag and its case systems:")
                for f in check.findings {
                    out.line("  \(f.invoiceID) \(f.kind): \(f.message)")
                    out.line("    bilag: invoice \(f.invoiceState), booking \(f.booking); case systems: " + f.updates.map { "\($0.connector)/\($0.action) \($0.state)" }.joined(separator: ", "))
                }
            }
            if !check.ok { throw ExitStatus.checkFailed.code }
        }
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { String(repeating: " ", count: max(0, n - count)) + self }
}
