import BilagStore
import BilagTestKit
import Foundation

/// Roots for the Outbox's tests through the real binary: invoices delivered and run into the manual queue, and
/// operators approving them.
extension TemporaryRoot {
    /// Writes `config`, delivers `count` copies of the PEPPOL base example numbered `PREFIX-1`…, runs bilag once (with
    /// no robots they all go to the manual queue) and returns their ids in delivery order.
    func queuedInvoices(_ count: Int, prefix: String, config: String) throws -> [String] {
        try writeConfig(config)
        let template = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
        for i in 1...count { try deliver(template.invoice(number: "\(prefix)-\(i)"), to: "peppol/\(prefix.lowercased())-\(String(format: "%03d", i)).xml") }
        try bilagSucceeding(["run", "--once"])
        return try Store(path: databasePath).invoices(limit: 100_000).sorted { $0.sourcePath < $1.sourcePath }.map(\.id)
    }

    /// The command line of an operator's approval of `id` (account 5250, cost centre 4711).
    static func approval(_ id: String, user: String = "alice", extra: [String] = []) -> [String] {
        ["queue", "approve", id, "--account", "5250", "--dim", "costcentre=4711", "--user", user] + extra
    }
}
