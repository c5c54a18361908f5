/// A file in the Inbox that is ready to be claimed.
public struct InboxCandidate: Sendable {
    /// Absolute path now.
    public var path: String
    /// Path relative to `Inbox/`, e.g. `peppol/0088:579.../invoice.xml`.
    public var relativePath: String
    /// The channel: the first folder under `Inbox/`, or `default` for files directly in it.
    public var channel: String
    /// The receipt that marked it complete, to be kept with it.
    public var receiptPath: String?
}
