import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Walks every folder under `Inbox/` with readdir, lazily, and yields the entries that are ready.
///
/// Streaming keeps memory flat however many files wait; a file that vanishes between listing and claim is simply
/// skipped. Names are handled as bytes (they need not be UTF-8). Entries that are not files — symbolic links (never
/// followed), FIFOs, sockets, devices — are yielded at once, whatever the readiness rule, so that they are claimed
/// and quarantined with their reason rather than lying in the Inbox unexplained. A link to a folder is not such an
/// entry (`InboxLink`): directly in `Inbox/` it is a channel folder and walked; deeper, it is left alone and listed.
public struct InboxScanner: Sequence {
    public let inbox: String
    public let channels: [String: ChannelConfig]
    public let defaultReadiness: ReadinessRule
    public let now: Date
    /// When files with a future modification time were first seen (their quiet period counts from then).
    public let firstSeen: FirstSeen?
    /// Told once per file whose modification time lies in the future: its relative path and that time.
    public let onFutureModificationTime: (@Sendable (String, Date) -> Void)?
    /// Told of every folder under `Inbox/` as it is read (its relative path ending with `/`, its absolute path as
    /// bytes, and nil) or found unreadable (with the error): the files in such a folder cannot be claimed.
    public let onFolder: (@Sendable (String, [CChar], String?) -> Void)?
    /// Folders a channel's link must never lead into or hold (the state folder, the Outbox).
    public let guarded: [String]
    /// Told of each file with an unfinished delivery's name (`IgnoredNames.isUnfinishedDelivery`) — its relative
    /// path, absolute path as bytes, and its modification time — when it has not changed for `leftoverAfter` seconds
    /// (a sender stopped half-way), and with nil when it has changed since (it is being written after all).
    public let onUnfinishedDelivery: (@Sendable (String, [CChar], Date?) -> Void)?
    /// How long an unfinished delivery may stay unchanged before it is reported.
    public let leftoverAfter: TimeInterval

    public init(inbox: String, channels: [String: ChannelConfig], defaultReadiness: ReadinessRule, now: Date = Date(),
                firstSeen: FirstSeen? = nil, guarded: [String] = [], onFolder: (@Sendable (String, [CChar], String?) -> Void)? = nil,
                onFutureModificationTime: (@Sendable (String, Date) -> Void)? = nil,
                leftoverAfter: TimeInterval = 3600, onUnfinishedDelivery: (@Sendable (String, [CChar], Date?) -> Void)? = nil) {
        self.inbox = inbox; self.channels = channels; self.defaultReadiness = defaultReadiness; self.now = now
        self.firstSeen = firstSeen; self.guarded = guarded; self.onFolder = onFolder; self.onFutureModificationTime = onFutureModificationTime
        self.leftoverAfter = leftoverAfter; self.onUnfinishedDelivery = onUnfinishedDelivery
    }

    public func makeIterator() -> Iterator { Iterator(scanner: self) }

    /// A file's modification time, from what `lstat` said.
    static func modified(_ st: stat) -> Date { Date(timeIntervalSince1970: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9) }

    public final class Iterator: IteratorProtocol {
        let scanner: InboxScanner
        let inboxBytes: [UInt8]
        var pending: [[UInt8]] = [[]]   // relative folders still to read
        var dir: OpaquePointer?
        var current: [UInt8] = []
        var currentChannel = "default"

        init(scanner: InboxScanner) {
            self.scanner = scanner
            inboxBytes = Array(scanner.inbox.utf8)
        }
        deinit { if let d = dir { closedir(d) } }

        public func next() -> InboxCandidate? {
            while true {
                if dir == nil {
                    guard !pending.isEmpty else { return nil }
                    current = pending.removeFirst()
                    currentChannel = current.isEmpty ? "default" : PathBytes.display(current.prefix { $0 != UInt8(ascii: "/") })
                    let folder = PathBytes.cString(PathBytes.join(inboxBytes, current))
                    dir = opendir(folder)
                    if !current.isEmpty, let onFolder = scanner.onFolder {
                        let e = errno
                        if dir != nil { onFolder(PathBytes.display(current) + "/", folder, nil) }
                        else if e != ENOENT { onFolder(PathBytes.display(current) + "/", folder, String(cString: strerror(e))) }
                    }
                    if dir == nil { continue }
                }
                guard let d = dir else { continue }
                guard let entry = readdir(d) else { closedir(d); dir = nil; continue }
                let nameBytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix(while: { $0 != 0 })) }
                if nameBytes == [0x2E] || nameBytes == [0x2E, 0x2E] { continue }
                let name = PathBytes.display(nameBytes)
                if IgnoredNames.isIgnored(name) {
                    // Never taken; but a delivery left half-written for long is told, or no one would ever know.
                    if let tell = scanner.onUnfinishedDelivery, IgnoredNames.isUnfinishedDelivery(name) {
                        let relBytes = PathBytes.join(current, nameBytes), absC = PathBytes.cString(PathBytes.join(inboxBytes, relBytes))
                        var st = stat()
                        if lstat(absC, &st) == 0, st.st_mode & S_IFMT == S_IFREG {
                            let changed = InboxScanner.modified(st)
                            tell(PathBytes.display(relBytes), absC, scanner.now.timeIntervalSince(changed) >= scanner.leftoverAfter ? changed : nil)
                        }
                    }
                    continue
                }
                let relBytes = PathBytes.join(current, nameBytes)
                let absC = PathBytes.cString(PathBytes.join(inboxBytes, relBytes))
                func candidate(receipt: [CChar]? = nil) -> InboxCandidate {
                    InboxCandidate(rawPath: absC, relativePath: PathBytes.display(relBytes), channel: currentChannel, rawReceiptPath: receipt)
                }
                let rule = scanner.channels[currentChannel]?.readiness ?? scanner.defaultReadiness
                // The folder entry names the file's type on most file systems: a file delivered by rename needs no
                // stat at all (one path look-up less per invoice). Otherwise, and for the other rules, lstat tells.
                let entryType = entry.pointee.d_type
                if case .rename = rule, entryType == UInt8(DT_REG) { return candidate() }
                if entryType == UInt8(DT_DIR) { pending.append(relBytes); continue }
                var st = stat()
                guard lstat(absC, &st) == 0 else { continue }
                let type = st.st_mode & S_IFMT
                if type == S_IFDIR { pending.append(relBytes); continue }
                if type == S_IFLNK {
                    switch InboxLink.classify(absC, inChannel: !current.isEmpty, guarded: scanner.guarded, inbox: scanner.inbox) {
                    case .channel: pending.append(relBytes); continue
                    case let .leftAlone(why): scanner.onFolder?(PathBytes.display(relBytes) + "/", absC, why); continue
                    case .entry: return candidate()
                    }
                }
                // Not a file: claimed as it is (the entry, never what a link points to) and quarantined.
                guard type == S_IFREG else { return candidate() }
                switch rule {
                case .rename:
                    return candidate()
                case let .quiet(ms):
                    var changed = InboxScanner.modified(st)
                    // A modification time in the future would keep the file waiting until then, silently: the
                    // quiet period counts from when this process first saw it instead, and that is logged once.
                    if changed.timeIntervalSince(scanner.now) > 1, let firstSeen = scanner.firstSeen {
                        let (since, isNew) = firstSeen.note(PathBytes.display(relBytes), now: scanner.now)
                        if isNew { scanner.onFutureModificationTime?(PathBytes.display(relBytes), changed) }
                        changed = since
                    }
                    if scanner.now.timeIntervalSince(changed) >= Double(ms) / 1000 { return candidate() }
                case let .receipt(docSuffix, receiptSuffix):
                    if name.hasSuffix(receiptSuffix) { continue }
                    let stem = nameBytes.count >= docSuffix.utf8.count && name.hasSuffix(docSuffix) ? Array(nameBytes.dropLast(docSuffix.utf8.count)) : nameBytes
                    let receipt = PathBytes.cString(PathBytes.join(inboxBytes, current, stem + Array(receiptSuffix.utf8)))
                    if access(receipt, F_OK) == 0 { return candidate(receipt: receipt) }
                }
            }
        }
    }
}
