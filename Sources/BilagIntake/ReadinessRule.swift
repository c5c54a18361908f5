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

    /// True when the file must be left alone.
    public static func isIgnored(_ name: String) -> Bool {
        if name.hasPrefix(".") || name.hasPrefix("~$") || name.hasPrefix("_tmp") { return true }
        let lower = name.lowercased()
        return suffixes.contains { lower.hasSuffix($0) }
    }
}
