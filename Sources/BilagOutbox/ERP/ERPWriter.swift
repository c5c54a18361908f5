import BilagCore
import Foundation

/// An ERP import file whose layout is configuration (`kind: erp`): each booked invoice as a balanced voucher, its
/// lines laid out as the `layout:` says (a shipped one by name, or a YAML file of the operator's).
///
/// Settings: `layout`; the accounts beside the postings' (`payable_account`, `vat_account`, `vat_accounts:
/// "I25=2631,I12=2632"`, `rounding_account`, `prepaid_account`); `extension`; `time_zone` (the municipality's, whose
/// dates the booked date, the period and the file's date are: Europe/Copenhagen unless set); and any value the layout
/// reads with `field: setting` (e.g. `client`).
public struct ERPWriter: OutboxWriterKind {
    public static let kind = "erp"
    public let name: String
    public let fileExtension: String
    public let layout: ERPLayout
    public let accounts: VoucherAccounts
    let settings: [String: String]
    /// The zone whose date a booking's moment is (its booked date, its period, the file's date): an invoice booked at
    /// 00:30 on 1 December in Copenhagen belongs to December, though UTC still says 30 November.
    public let timeZone: TimeZone

    static let ownSettings: Set<String> = ["layout", "payable_account", "vat_account", "vat_accounts", "rounding_account", "prepaid_account", "extension", "time_zone", "company_currency"]
    /// Denmark's zone (Norway keeps the same clock); standard time on a machine without time-zone data.
    public static let defaultTimeZone = LocalDate.municipalTimeZone

    public init(name: String, layout: ERPLayout, accounts: VoucherAccounts = VoucherAccounts(), settings: [String: String] = [:], fileExtension: String? = nil,
                timeZone: TimeZone = ERPWriter.defaultTimeZone) {
        self.name = name; self.layout = layout; self.accounts = accounts; self.settings = settings; self.timeZone = timeZone
        self.fileExtension = fileExtension ?? (layout.format == .separated ? "csv" : "txt")
    }

    /// The posting dimensions the layout carries (its `field: dimension` keys); the others reach the journal only.
    public var dimensionKeys: Set<String> {
        Set((layout.fields + layout.header.flatMap { $0 } + layout.trailer.flatMap { $0 }).filter { $0.source == .dimension }.compactMap(\.key))
    }

    public init(name: String, settings: [String: String], root: String) throws {
        let key = "outbox.writers.\(name)"
        guard let chosen = settings["layout"] else {
            throw BilagErrorOutbox.config("\(key) has no layout", remedy: "give layout: one of \(ShippedLayouts.all.keys.sorted().joined(separator: ", ")), or the path of a layout file (docs/outbox.md)")
        }
        let layout: ERPLayout
        if let shipped = ShippedLayouts.all[chosen] {
            layout = try ERPLayout.parse(shipped, source: chosen)
        } else {
            let path = chosen.hasPrefix("/") ? chosen : root + "/" + chosen
            guard let data = FileIO.read(path) else {
                throw BilagErrorOutbox.config("\(key).layout '\(chosen)' is neither a shipped layout nor a readable file", remedy: "use one of \(ShippedLayouts.all.keys.sorted().joined(separator: ", ")), or the path of a layout file, relative to the root")
            }
            layout = try ERPLayout.parse(String(decoding: data, as: UTF8.self), source: path)
        }
        var accounts = VoucherAccounts()
        if let v = settings["payable_account"] { accounts.payable = v }
        if let v = settings["vat_account"] { accounts.vat = v }
        if let v = settings["rounding_account"] { accounts.rounding = v }
        if let v = settings["prepaid_account"] { accounts.prepaid = v }
        for pair in (settings["vat_accounts"] ?? "").split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw BilagErrorOutbox.config("\(key).vat_accounts has '\(pair)'", remedy: "give VAT code=account pairs separated by commas, e.g. \"I25=2631,I12=2632\"")
            }
            accounts.vatByCode[parts[0]] = parts[1]
        }
        let read = Set((layout.fields + layout.header.flatMap { $0 } + layout.trailer.flatMap { $0 }).filter { $0.source == .setting }.compactMap(\.key))
        if let missing = read.sorted().first(where: { settings[$0] == nil }) {
            throw BilagErrorOutbox.config("\(key): the layout reads the setting '\(missing)', which is not given", remedy: "add \(missing): VALUE under \(key)")
        }
        if let unknown = settings.keys.sorted().first(where: { !Self.ownSettings.contains($0) && !read.contains($0) }) {
            throw BilagErrorOutbox.config("unknown setting '\(unknown)' in \(key)", remedy: "an erp writer takes \(Self.ownSettings.sorted().joined(separator: ", ")), and the settings its layout reads")
        }
        var zone = Self.defaultTimeZone
        if let z = settings["time_zone"] {
            guard let known = TimeZone(identifier: z) else {
                throw BilagErrorOutbox.config("\(key).time_zone '\(z)' is not a time zone", remedy: "give an IANA zone name such as Europe/Copenhagen or Europe/Oslo")
            }
            zone = known
        }
        self.init(name: name, layout: layout, accounts: accounts, settings: settings, fileExtension: settings["extension"], timeZone: zone)
    }

    public func render(_ entries: [OutboxEntry]) throws -> Data {
        try ERPRecordWriter(layout: layout, settings: settings, timeZone: timeZone).render(entries.map { Voucher($0, accounts: accounts) }, created: entries.map(\.booked.bookedAt).max() ?? "")
    }
}
