import BilagCore
import BilagStore
import Foundation

/// One booking as a writer is handed it: its sequence number (shared by every writer) and the booked invoice.
public struct OutboxEntry: Sendable {
    public var seq: Int64
    public var booked: BookedInvoice
    /// The booking's stored line when it is exactly what `booked`'s hand writer writes (`BookedInvoice.jsonLine`):
    /// the JSONL journal puts its sequence number in rather than writing the line again.
    public var storedBytes: JSONBytes?
    public var storedLine: String? { storedBytes?.string }
    public init(seq: Int64, booked: BookedInvoice, storedLine: String? = nil) {
        self.seq = seq; self.booked = booked; self.storedBytes = storedLine.map { JSONBytes($0) }
    }

    /// The entry of a stored booking: its line goes along (as the bytes kept) when this process kept the booking it was
    /// written from.
    public init(_ e: Store.PendingJournalEntry) throws {
        self.init(seq: e.seq, booked: try e.booked())
        if e.kept != nil { storedBytes = e.keptLine ?? JSONBytes(e.line) }
    }
}

/// An output of the Outbox: how booked invoices are laid out in one kind of file (the JSONL journal, an ERP import
/// layout, a payment file). It knows its format and nothing else; `OutboxFiles` names, writes, closes, records and
/// takes over its files, so a writer holds no state and never touches the disk.
public protocol OutboxWriter: Sendable {
    /// Its name in `bilag.yaml` (`outbox.writers.NAME`): also its folder under `Outbox/`, the start of its file names
    /// and the key of its bookkeeping in the store. Never change it once files were written.
    var name: String { get }
    /// The extension of its files, without the dot (`jsonl`, `csv`, `txt`).
    var fileExtension: String { get }
    /// The content of one file holding these entries, in sequence order. The same entries must give the same bytes.
    func render(_ entries: [OutboxEntry]) throws -> Data
    /// The bookings a file of this writer holds, read from the file itself; nil when its format does not say (then
    /// its manifest does).
    func bookings(in data: Data) -> [Store.JournalFileLine]?
    /// Whose date its file names carry: the municipality's (`LocalDate.municipalTimeZone`) unless the writer is told
    /// another (an ERP writer's `time_zone`), so a file written at 00:30 on 1 December is named for 1 December.
    var timeZone: TimeZone { get }
}

extension OutboxWriter {
    public func bookings(in data: Data) -> [Store.JournalFileLine]? { nil }
    public var timeZone: TimeZone { LocalDate.municipalTimeZone }
}

/// A kind of writer `bilag.yaml` can name (`kind:`): it makes itself from its settings.
///
/// A new output kind is one new file holding a type that conforms, and its name in `OutboxWriterKinds.all`.
public protocol OutboxWriterKind: OutboxWriter {
    /// The `kind:` that names it in `bilag.yaml`.
    static var kind: String { get }
    /// Makes the writer `name` from its own settings (`outbox.writers.NAME`, the common ones taken out), or throws a
    /// `config-invalid` error saying what is wrong. Relative paths are taken from `root`.
    init(name: String, settings: [String: String], root: String) throws
}

/// Every writer kind bilag has.
public enum OutboxWriterKinds {
    public static let all: [any OutboxWriterKind.Type] = [JournalWriter.self, ERPWriter.self]

    /// Every `kind:` bilag.yaml may name: the writer kinds and `payments`.
    public static var names: [String] { all.map { $0.kind } + [PaymentSettings.kind] }

    /// Checks one `outbox.writers` entry as `Outbox` will make it, throwing `config-invalid` for what is wrong.
    public static func check(_ settings: OutboxWriterSettings, root: String) throws {
        if settings.kind == PaymentSettings.kind { _ = try PaymentSettings(settings) } else { _ = try make(settings, root: root) }
    }

    /// Makes the writer one `outbox.writers` entry describes.
    public static func make(_ settings: OutboxWriterSettings, root: String) throws -> any OutboxWriter {
        guard let kind = all.first(where: { $0.kind == settings.kind }) else {
            throw BilagErrorOutbox.config("outbox.writers.\(settings.name).kind is '\(settings.kind)'", remedy: "use one of: \(names.joined(separator: ", "))")
        }
        return try kind.init(name: settings.name, settings: settings.settings, root: root)
    }
}
