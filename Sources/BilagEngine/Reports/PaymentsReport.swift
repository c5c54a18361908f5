import BilagCore
import BilagOutbox
import BilagStore
import Foundation

/// The payments part of `bilag report day`: what was paid that day (in payment files) and what waits, every payment
/// file written that day, and the reconciliation of all payment files with the store — every filed invoice in
/// exactly one file, none in a file the store did not file it in, each file's count and sums those of its invoices,
/// and its bytes those its manifest describes.
public struct PaymentsReport: Encodable, Sendable {
    public var writer: String
    /// Payments in the files written that day: how many, and the amounts per currency.
    public var paidCount = 0
    public var paid: [String: Amount] = [:]
    /// Open invoices waiting for their execution date (or a set-off), and their amounts.
    public var waitingCount = 0
    public var waiting: [String: Amount] = [:]
    /// Credit notes holding credit for the supplier's next invoices.
    public var heldCredits: [String: Amount] = [:]
    /// Invoices settled in full by credit notes (nothing to pay), and bookings bilag cannot pay (with the reason).
    public var settledCount = 0
    public var blocked: [String] = []
    public var files: [FileLine] = []
    /// Every filed invoice in exactly one file of the folder, each file reconciled.
    public var filed = 0
    public var inFiles = 0
    public var twice: [String] = []
    public var unknown: [String] = []
    public var missing: [String] = []
    public var mismatched: [String] = []
    public var ok: Bool { twice.isEmpty && unknown.isEmpty && missing.isEmpty && mismatched.isEmpty && filed == inFiles }
    /// Paid (in the files written that day) and waiting, per robot that booked the invoices (`operator` for the
    /// manual queue), as `outcomes` names them.
    public var byRobot: [RobotLine] = []

    /// One robot's payments: paid in the day's files, and waiting.
    public struct RobotLine: Encodable, Sendable, Equatable {
        public var robot: String
        public var paidCount = 0
        public var paid: [String: Amount] = [:]
        public var waitingCount = 0
        public var waiting: [String: Amount] = [:]
        enum CodingKeys: String, CodingKey { case robot, paidCount = "paid_count", paid, waitingCount = "waiting_count", waiting }
    }

    /// One payment file written that day.
    public struct FileLine: Encodable, Sendable {
        public var file: String
        public var count: Int
        public var sums: [String: Amount]
        public var sha256: String
        /// `ok`, `changed` (not the bytes the manifest describes) or `taken` (no longer in the folder).
        public var checksum: String
        public var writtenAt: String
        enum CodingKeys: String, CodingKey { case file, count, sums, sha256, checksum, writtenAt = "written_at" }
    }

    enum CodingKeys: String, CodingKey {
        case writer, paidCount = "paid_count", paid, waitingCount = "waiting_count", waiting, heldCredits = "held_credits", settledCount = "settled_count", blocked, files
        case filed, inFiles = "in_files", twice, unknown, missing, mismatched, ok, byRobot = "by_robot"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(writer, forKey: .writer); try c.encode(paidCount, forKey: .paidCount); try c.encode(paid, forKey: .paid)
        try c.encode(waitingCount, forKey: .waitingCount); try c.encode(waiting, forKey: .waiting); try c.encode(heldCredits, forKey: .heldCredits)
        try c.encode(settledCount, forKey: .settledCount); try c.encode(blocked, forKey: .blocked); try c.encode(files, forKey: .files)
        try c.encode(filed, forKey: .filed); try c.encode(inFiles, forKey: .inFiles); try c.encode(twice, forKey: .twice); try c.encode(unknown, forKey: .unknown)
        try c.encode(missing, forKey: .missing); try c.encode(mismatched, forKey: .mismatched); try c.encode(ok, forKey: .ok)
        try c.encode(byRobot, forKey: .byRobot)
    }

    public init(_ payments: PaymentFiles, store: Store, day: ReportDay) throws {
        writer = payments.name
        let rows = try store.payments()
        let byID = Dictionary(rows.map { ($0.invoiceID, $0) }, uniquingKeysWith: { a, _ in a })
        var perRobot: [Int64: (paid: Bool, currency: String, amount: Amount)] = [:]
        for p in rows {
            switch p.state {
            case "open":
                waitingCount += 1; waiting[p.currency, default: .zero] += p.openAmount
                perRobot[p.seq] = (false, p.currency, p.openAmount)
            case "held": heldCredits[p.currency, default: .zero] += p.openAmount
            case "settled" where p.documentKind == DocumentKind.invoice.rawValue: settledCount += 1
            case "blocked": blocked.append("\(p.invoiceID): \(p.reason ?? "")")
            case "filed": filed += 1
            default: break
            }
        }
        let recorded = Dictionary(try store.paymentFiles(payments.name).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var seen: [String: String] = [:]
        for name in payments.fileNames().union(recorded.keys).sorted() {
            guard let manifest = PaymentManifest.read(payments.manifestPath(name)) else {
                if recorded[name]?.state == "written" || FileManager.default.fileExists(atPath: payments.directory + "/" + name) { mismatched.append("\(name): no manifest") }
                continue
            }
            let data = FileIO.read(payments.directory + "/" + name)
            let checksum = data.map { OutboxManifest.sha256($0) == manifest.sha256 ? "ok" : "changed" } ?? "taken"
            var theirs: [PaymentRecord] = []
            for e in manifest.payments {
                inFiles += 1
                if let first = seen[e.invoiceID] { twice.append("\(e.invoiceID) (\(first), \(name))") } else { seen[e.invoiceID] = name }
                guard let p = byID[e.invoiceID], p.file == name else { unknown.append("\(e.invoiceID) (\(name))"); continue }
                theirs.append(p)
            }
            // The file's count and sums are those of the invoices the store filed in it.
            let stored = PaymentManifest.sums(theirs.map { PaymentManifest.Entry(invoiceID: $0.invoiceID, seq: $0.seq, currency: $0.currency, amount: $0.openAmount.rounded(Voucher.minorUnit($0.currency)), requestedDate: $0.requestedDate) })
            if checksum == "changed" || stored != manifest.sums || manifest.count != manifest.payments.count || recorded[name].map({ $0.count != manifest.count }) ?? true {
                mismatched.append(name)
            }
            if day.contains(manifest.writtenAt) {
                files.append(FileLine(file: name, count: manifest.count, sums: manifest.sums, sha256: manifest.sha256, checksum: checksum, writtenAt: manifest.writtenAt))
                paidCount += manifest.count
                for (c, a) in manifest.sums { paid[c, default: .zero] += a }
                for e in manifest.payments { perRobot[e.seq] = (true, e.currency, e.amount) }
            }
        }
        byRobot = try Self.byRobot(perRobot, store: store)
        for p in rows where p.state == "filed" && seen[p.invoiceID] == nil && recorded[p.file ?? ""]?.state == "written" { missing.append("\(p.invoiceID) (\(p.file ?? ""))") }
    }

    /// The payments by the robot whose booking made them (read from the bookings, by sequence number).
    static func byRobot(_ payments: [Int64: (paid: Bool, currency: String, amount: Amount)], store: Store) throws -> [RobotLine] {
        var lines: [String: RobotLine] = [:]
        for entry in try store.bookings(payments.keys.sorted()) {
            guard let p = payments[entry.seq] else { continue }
            let robot = DayReport.robot(try entry.booked().bookedBy)
            var line = lines[robot] ?? RobotLine(robot: robot)
            if p.paid { line.paidCount += 1; line.paid[p.currency, default: .zero] += p.amount } else { line.waitingCount += 1; line.waiting[p.currency, default: .zero] += p.amount }
            lines[robot] = line
        }
        return lines.values.sorted { $0.robot < $1.robot }
    }
}
