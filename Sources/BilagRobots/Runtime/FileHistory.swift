import BilagCore
import BilagRobotLanguage
import Foundation

/// Earlier bookings from a CSV file, for trying `history` branches with `bilag robots test --history FILE` without
/// booking invoices. Header: `key,amount,issue_date,invoice_number` and optionally `robot` (rows without one apply
/// to any robot); one row per earlier booking, the newest last.
public struct FileHistory: HistoryProvider {
    public let entries: [(robot: String?, key: String, entry: HistoryEntry)]

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw BilagError("history-invalid", "cannot read \(path) as UTF-8 text")
        }
        var out: [(String?, String, HistoryEntry)] = []
        for (i, r) in try CSV.records(text, file: path).enumerated() {
            func f(_ k: String) -> String? { r[k].flatMap { let t = $0.trimmingWhitespace(includingNewlines: false); return t.isEmpty ? nil : t } }
            guard let key = f("key"), let amount = f("amount").flatMap({ Amount(parsing: $0) }) else {
                throw BilagError("history-invalid", "\(path) row \(i + 2): a booking needs a key and an amount (header: key,amount,issue_date,invoice_number[,robot])")
            }
            let date = try f("issue_date").map { d -> LocalDate in
                guard let parsed = LocalDate(parsing: d) else { throw BilagError("history-invalid", "\(path) row \(i + 2): issue_date '\(d)' is not YYYY-MM-DD") }
                return parsed
            }
            out.append((f("robot"), key, HistoryEntry(invoiceID: "history-\(i + 2)", amount: amount, issueDate: date, invoiceNumber: f("invoice_number"))))
        }
        entries = out
    }

    public func booked(robot: String, key: String, limit: Int, cut: HistoryCut) throws -> [HistoryEntry] {
        Array(HistoryEntry.latestFirst(entries.filter { ($0.robot == nil || $0.robot == robot) && $0.key == key && cut.admits(issued: $0.entry.issueDate) }.map(\.entry).reversed()).prefix(limit))
    }
}
