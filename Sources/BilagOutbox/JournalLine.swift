import BilagCore
import BilagStore

/// A line of the JSONL journal: the booked invoice with its sequence number, one JSON object per line (its fields
/// read as the booked invoice's: `line.bookedAt`).
@dynamicMemberLookup
public struct JournalLine: Codable, Hashable, Sendable {
    public var seq: Int64
    public var booked: BookedInvoice

    public init(seq: Int64, booked: BookedInvoice) { self.seq = seq; self.booked = booked }

    public subscript<T>(dynamicMember path: KeyPath<BookedInvoice, T>) -> T { booked[keyPath: path] }

    enum CodingKeys: String, CodingKey { case seq }

    public init(from decoder: Decoder) throws {
        seq = try decoder.container(keyedBy: CodingKeys.self).decode(Int64.self, forKey: .seq)
        booked = try BookedInvoice(from: decoder)
    }

    public func encode(to encoder: Encoder) throws {
        try booked.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seq, forKey: .seq)
    }
}
