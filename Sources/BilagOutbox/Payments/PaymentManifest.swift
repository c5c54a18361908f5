import BilagCore
import BilagStore
import Crypto
import Foundation

/// What a payment file holds, written beside it in `Outbox/manifests/WRITER/NAME.manifest.json`: the count and the
/// control sum per currency, the SHA-256 of the file, and each payment by invoice, amount and execution date.
public struct PaymentManifest: Codable, Sendable, Equatable {
    public var file: String
    public var writer: String
    public var kind = PaymentSettings.kind
    public var version: String
    public var count: Int
    /// Per currency: the sum of the payments (the file's control sum, when it holds one currency).
    public var sums: [String: Amount]
    public var sha256: String
    public var bytes: Int
    public var writtenAt: String
    public var payments: [Entry]

    /// One payment in the file.
    public struct Entry: Codable, Sendable, Equatable {
        public var invoiceID: String
        public var seq: Int64
        public var currency: String
        public var amount: Amount
        public var requestedDate: String?
        public init(invoiceID: String, seq: Int64, currency: String, amount: Amount, requestedDate: String?) {
            self.invoiceID = invoiceID; self.seq = seq; self.currency = currency; self.amount = amount; self.requestedDate = requestedDate
        }
        enum CodingKeys: String, CodingKey { case invoiceID = "invoice_id", seq, currency, amount, requestedDate = "requested_date" }
    }

    enum CodingKeys: String, CodingKey { case file, writer, kind, version, count, sums, sha256, bytes, writtenAt = "written_at", payments }

    public init(file: String, writer: String, version: String, payments: [PaymentRecord], data: Data, writtenAt: String) {
        self.file = file; self.writer = writer; self.version = version
        self.payments = payments.map { Entry(invoiceID: $0.invoiceID, seq: $0.seq, currency: $0.currency, amount: $0.openAmount.rounded(Voucher.minorUnit($0.currency)), requestedDate: $0.requestedDate) }
        count = payments.count
        sums = Self.sums(self.payments)
        sha256 = OutboxManifest.sha256(data)
        bytes = data.count
        self.writtenAt = writtenAt
    }

    /// The sums per currency of these payments, in each currency's minor unit.
    public static func sums(_ entries: [Entry]) -> [String: Amount] {
        var out: [String: Amount] = [:]
        for e in entries { out[e.currency] = (out[e.currency] ?? Amount.zero.rounded(Voucher.minorUnit(e.currency))) + e.amount }
        return out
    }

    public func encoded() throws -> Data { try OutboxManifest.encoder.encode(self) }

    /// The manifest at `path`; nil when there is none or it cannot be read as one.
    public static func read(_ path: String) -> PaymentManifest? {
        FileIO.read(path).flatMap { try? JSONDecoder().decode(PaymentManifest.self, from: $0) }
    }
}
