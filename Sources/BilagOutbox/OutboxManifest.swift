import BilagCore
import BilagStore
import Crypto
import Foundation

/// What an Outbox file holds, written beside it in `Outbox/manifests/WRITER/NAME.manifest.json`: how many bookings,
/// their sums per currency, the SHA-256 of the file's bytes, and each booking by sequence number and invoice. A
/// reader checks a file against it; bilag takes over, checks and rebuilds from it whatever the format.
public struct OutboxManifest: Codable, Sendable, Equatable {
    public var file: String
    public var writer: String
    public var kind: String?
    public var count: Int
    public var firstSeq: Int64
    public var lastSeq: Int64
    /// Per currency: the amounts due, the net and the VAT of the bookings, signed (credit notes negative).
    public var sums: [String: Sums]
    /// The SHA-256 of the file's bytes, lowercase hex.
    public var sha256: String
    public var bytes: Int
    public var writtenAt: String
    public var entries: [Store.JournalFileLine]

    /// The sums of one currency's bookings in a file.
    public struct Sums: Codable, Sendable, Equatable {
        public var count = 0
        public var amountDue = Amount.zero
        public var net = Amount.zero
        public var vat = Amount.zero
        enum CodingKeys: String, CodingKey { case count, amountDue = "amount_due", net, vat }
    }

    enum CodingKeys: String, CodingKey {
        case file, writer, kind, count, firstSeq = "first_seq", lastSeq = "last_seq", sums, sha256, bytes, writtenAt = "written_at", entries
    }

    /// The manifest of `data`, the file `file` that `writer` made of `entries`.
    public init(file: String, writer: String, kind: String?, entries: [OutboxEntry], data: Data, writtenAt: String) {
        self.file = file; self.writer = writer; self.kind = kind
        count = entries.count
        firstSeq = entries.first?.seq ?? 0
        lastSeq = entries.last?.seq ?? 0
        sums = Self.sums(entries.map(\.booked))
        sha256 = Self.sha256(data)
        bytes = data.count
        self.writtenAt = writtenAt
        self.entries = entries.map { .init(seq: $0.seq, invoiceID: $0.booked.invoiceID) }
    }

    /// The sums per currency of these booked invoices (`?` for an invoice without a currency).
    public static func sums(_ booked: [BookedInvoice]) -> [String: Sums] {
        var out: [String: Sums] = [:]
        for b in booked {
            var s = out[b.currency ?? "?", default: Sums()]
            s.count += 1
            s.amountDue += b.amountDue
            for p in b.postings { s.net += p.netAmount; s.vat += p.vatAmount }
            out[b.currency ?? "?"] = s
        }
        return out
    }

    public static func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return e
    }()

    /// The manifest's text: written by hand (`handWritten`), else by `encoder`; the same bytes either way.
    public func encoded() throws -> Data { try handWritten().map { Data($0) } ?? Self.encoder.encode(self) }

    /// The manifest at `path`; nil when there is none or it cannot be read as one.
    public static func read(_ path: String) -> OutboxManifest? {
        FileIO.read(path).flatMap { try? JSONDecoder().decode(OutboxManifest.self, from: $0) }
    }
}
