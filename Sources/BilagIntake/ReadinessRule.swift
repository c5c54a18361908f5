/// How bilag knows a delivered file is complete and may be claimed.
public enum ReadinessRule: Sendable, Equatable {
    /// The writer delivers by rename (writes a dot-file or temporary name, then renames): a visible file is complete.
    case rename
    /// A receipt file written after the document marks it complete (Oxalis: `X.doc.xml` then `X.receipt.dat`).
    case receipt(documentSuffix: String, receiptSuffix: String)
    /// The writer does neither: a file is complete when it has not been modified for this many milliseconds.
    case quiet(milliseconds: Int)
}

/// One delivery channel: a folder directly under `Inbox/` and its readiness rule.
public struct ChannelConfig: Sendable, Equatable {
    public var name: String
    public var readiness: ReadinessRule
    public init(name: String, readiness: ReadinessRule) { self.name = name; self.readiness = readiness }
}

/// Names that are never invoices: dot-files, temporary and partial names, receipts.
public enum IgnoredNames {
    static let suffixes = [".tmp", ".temp", ".part", ".partial", ".filepart", ".crdownload", ".swp", "~", ".lock", ".inprogress", ".writing"]

    /// The suffixes of a delivery still being written (not editors' and programs' own files: `.swp`, `~`, `.lock`).
    static let unfinishedSuffixes = [".tmp", ".temp", ".part", ".partial", ".filepart", ".crdownload", ".inprogress", ".writing"]

    /// True for an ignored name that a sender gives a delivery while writing it (`.X.xml`, `X.xml.part`, `X.tmp`):
    /// one left unchanged for long is a delivery stopped half-way, which someone must send again. Other ignored names
    /// (`.gitkeep`, `.DS_Store`, `X.swp`, `X.lock`) are no deliveries.
    public static func isUnfinishedDelivery(_ name: String) -> Bool {
        let lower = name.lowercased()
        if unfinishedSuffixes.contains(where: { lower.hasSuffix($0) }) { return true }
        return lower.hasPrefix(".") && lower.hasSuffix(".xml")
    }

    /// True when the file must be left alone.
    public static func isIgnored(_ name: String) -> Bool {
        if name.hasPrefix(".") || name.hasPrefix("~$") || name.hasPrefix("_tmp") { return true }
        let lower = name.lowercased()
        return suffixes.contains { lower.hasSuffix($0) }
    }
}
