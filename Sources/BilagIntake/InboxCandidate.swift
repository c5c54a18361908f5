/// An entry in the Inbox that is ready to be claimed: a file, or something that is not one (a link, a FIFO, a
/// socket), which is claimed too so that it is quarantined with its reason instead of lying there unexplained.
public struct InboxCandidate: Sendable {
    /// Absolute path now, as the kernel has it (NUL-terminated bytes: a name need not be UTF-8).
    public var rawPath: [CChar]
    /// Path relative to `Inbox/` for people, e.g. `peppol/0088:579.../invoice.xml` (bytes that are not UTF-8 as `\xE6`).
    public var relativePath: String
    /// The channel: the first folder under `Inbox/`, or `default` for files directly in it.
    public var channel: String
    /// The receipt that marked it complete, to be kept with it (NUL-terminated bytes).
    public var rawReceiptPath: [CChar]?

    public init(rawPath: [CChar], relativePath: String, channel: String, rawReceiptPath: [CChar]? = nil) {
        self.rawPath = rawPath; self.relativePath = relativePath; self.channel = channel; self.rawReceiptPath = rawReceiptPath
    }
}
