import BilagCore
import BilagStore
import Foundation

/// The posting journal: `Outbox/journal/journal-DATE-FIRSTSEQ-LASTSEQ.jsonl`, one JSON line per booked invoice
/// carrying its sequence number, its invoice id and the SHA-256 of its original. What `bilag store rebuild` rebuilds
/// the store from, so every configuration has it.
public struct JournalWriter: OutboxWriterKind {
    public static let kind = "jsonl"
    public static let defaultName = Store.journalWriter
    public let name: String
    public let fileExtension = "jsonl"
    let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    public init(name: String = JournalWriter.defaultName) { self.name = name }

    public init(name: String, settings: [String: String], root: String) throws {
        if let key = settings.keys.sorted().first {
            throw BilagErrorOutbox.config("unknown setting '\(key)' in outbox.writers.\(name)", remedy: "a jsonl writer has no settings of its own beyond kind, max_entries_per_file and close_after_minutes")
        }
        self.init(name: name)
    }

    public func render(_ entries: [OutboxEntry]) throws -> Data {
        var data = Data()
        data.reserveCapacity(entries.count * 600)
        for e in entries {
            // Written by hand, byte for byte the encoder's (`BookedInvoice.journalFileLine`), unless the encoder decides.
            // The stored line with its sequence number put in goes in as bytes, not made a String first.
            let fromStored = e.storedBytes.map { e.booked.appendJournalFileLine(seq: e.seq, stored: $0, to: &data) } ?? false
            if !fromStored {
                if let line = e.booked.journalFileLine(seq: e.seq) { data.append(contentsOf: line.utf8) } else { data.append(try encoder.encode(JournalLine(seq: e.seq, booked: e.booked))) }
            }
            data.append(0x0A)
        }
        return data
    }

    public func bookings(in data: Data) -> [Store.JournalFileLine]? { Self.bookings(in: data) }

    /// The (seq, invoice id) of every line of a journal file's content; nil when a line is not a journal line.
    public static func bookings(in data: Data) -> [Store.JournalFileLine]? {
        var out: [Store.JournalFileLine] = []
        let decoder = JSONDecoder()
        for raw in data.split(separator: 0x0A) {
            guard let head = try? decoder.decode(Store.JournalFileLine.self, from: raw) else { return nil }
            out.append(head)
        }
        return out
    }

    /// The (seq, invoice id) of every line of a journal file; nil when it cannot be read or a line is not a journal line.
    public static func lines(of path: String) -> [Store.JournalFileLine]? {
        FileIO.read(path).flatMap(bookings(in:))
    }

    /// True for a name the journal gives its files.
    public static func isJournalFile(_ name: String) -> Bool { name.hasPrefix("journal-") && name.hasSuffix(".jsonl") }
}
