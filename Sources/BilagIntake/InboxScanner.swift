import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Walks every folder under `Inbox/` with readdir, lazily, and yields the files that are ready.
///
/// Streaming keeps memory flat however many files wait; a file that vanishes between listing and claim is simply skipped.
public struct InboxScanner: Sequence {
    public let inbox: String
    public let channels: [String: ChannelConfig]
    public let defaultReadiness: ReadinessRule
    public let now: Date

    public init(inbox: String, channels: [String: ChannelConfig], defaultReadiness: ReadinessRule, now: Date = Date()) {
        self.inbox = inbox; self.channels = channels; self.defaultReadiness = defaultReadiness; self.now = now
    }

    public func makeIterator() -> Iterator { Iterator(scanner: self) }

    public final class Iterator: IteratorProtocol {
        let scanner: InboxScanner
        var pending: [String] = [""]   // relative folders still to read
        var dir: OpaquePointer?
        var current = ""
        var currentNames: Set<String>? // names in the current folder, for receipt checks (loaded lazily)

        init(scanner: InboxScanner) { self.scanner = scanner }
        deinit { if let d = dir { closedir(d) } }

        public func next() -> InboxCandidate? {
            while true {
                if dir == nil {
                    guard !pending.isEmpty else { return nil }
                    current = pending.removeFirst()
                    currentNames = nil
                    dir = opendir(scanner.inbox + (current.isEmpty ? "" : "/" + current))
                    if dir == nil { continue }
                }
                guard let d = dir else { continue }
                guard let entry = readdir(d) else { closedir(d); dir = nil; continue }
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name == "." || name == ".." || IgnoredNames.isIgnored(name) { continue }
                let rel = current.isEmpty ? name : current + "/" + name
                let abs = scanner.inbox + "/" + rel
                let channel = current.isEmpty ? "default" : String(current.split(separator: "/", maxSplits: 1)[0])
                let rule = scanner.channels[channel]?.readiness ?? scanner.defaultReadiness
                // The folder entry names the file's type on most file systems: a file delivered by rename needs no
                // stat at all (one path look-up less per invoice). Otherwise, and for the other rules, lstat tells.
                let entryType = entry.pointee.d_type
                if case .rename = rule, entryType == UInt8(DT_REG) {
                    return InboxCandidate(path: abs, relativePath: rel, channel: channel, receiptPath: nil)
                }
                if entryType == UInt8(DT_DIR) { pending.append(rel); continue }
                var st = stat()
                guard lstat(abs, &st) == 0 else { continue }
                let type = st.st_mode & S_IFMT
                if type == S_IFDIR { pending.append(rel); continue }
                guard type == S_IFREG else { continue }
                switch rule {
                case .rename:
                    return InboxCandidate(path: abs, relativePath: rel, channel: channel, receiptPath: nil)
                case let .quiet(ms):
                    let mtime = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
                    if scanner.now.timeIntervalSince1970 - mtime >= Double(ms) / 1000 {
                        return InboxCandidate(path: abs, relativePath: rel, channel: channel, receiptPath: nil)
                    }
                case let .receipt(docSuffix, receiptSuffix):
                    if name.hasSuffix(receiptSuffix) { continue }
                    let stem = name.hasSuffix(docSuffix) ? String(name.dropLast(docSuffix.count)) : name
                    let receipt = scanner.inbox + "/" + (current.isEmpty ? "" : current + "/") + stem + receiptSuffix
                    if access(receipt, F_OK) == 0 {
                        return InboxCandidate(path: abs, relativePath: rel, channel: channel, receiptPath: receipt)
                    }
                }
            }
        }
    }
}
