import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A symbolic link met in the Inbox, and what the scan does with it.
///
/// A link directly in `Inbox/` to a folder is a channel folder kept elsewhere (`Inbox/peppol -> /srv/sftp/peppol`,
/// an SFTP drop): it is walked like any channel and never moved. One whose folder cannot be reached (a mount that is
/// down) is left where it is and listed, so the channel is not lost. A link to a folder deeper inside a channel is
/// not followed (a sender could point it anywhere): it is left where it is and listed with its reason. A link to
/// anything else is an entry like a FIFO: claimed as it is, never followed, and quarantined.
enum InboxLink: Equatable {
    /// Walk it as the channel folder it names.
    case channel
    /// Leave it where it is and list it as unclaimable with this reason.
    case leftAlone(String)
    /// Claim the link itself (it is quarantined `not-a-regular-file`).
    case entry

    /// What to do with the link at `path`; `inChannel`: it lies inside a channel folder, not directly in `Inbox/`.
    /// `guarded`: real paths the walk must never enter or hold (the state folder, the Outbox), and `inbox` the
    /// Inbox's own, which a channel must not hold either (the walk would go round in it).
    static func classify(_ path: [CChar], inChannel: Bool, guarded: [String], inbox: String) -> InboxLink {
        var st = stat()
        guard stat(path, &st) == 0 else {
            guard !inChannel else { return .entry }
            return .leftAlone("a link to \(target(of: path)), which cannot be reached (\(String(cString: strerror(errno)))); its files are claimed once it can be")
        }
        guard st.st_mode & S_IFMT == S_IFDIR else { return .entry }
        let target = target(of: path)
        guard !inChannel else {
            return .leftAlone("a link to the folder \(target), not followed inside a channel; deliver the files themselves, or link the folder directly in Inbox/ as a channel")
        }
        guard let real = realPath(path) else { return .leftAlone("a link to \(target), whose real path cannot be read (\(String(cString: strerror(errno))))") }
        for g in guarded.compactMap({ realPath($0) }) where real == g || g.hasPrefix(real + "/") || real.hasPrefix(g + "/") {
            return .leftAlone("a link to \(target), which holds or lies in bilag's own \(g); not followed")
        }
        if let i = realPath(inbox), i == real || i.hasPrefix(real + "/") {
            return .leftAlone("a link to \(target), which holds the Inbox itself; not followed")
        }
        return .channel
    }

    /// Where a link points, as written in it (never followed), for messages.
    static func target(of path: UnsafePointer<CChar>) -> String {
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = readlink(path, &buffer, 4096)
        return n >= 0 ? PathBytes.display(buffer.prefix(n).map { UInt8(bitPattern: $0) }) : "?"
    }

    static func realPath(_ path: UnsafePointer<CChar>) -> String? {
        guard let r = realpath(path, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }
}
