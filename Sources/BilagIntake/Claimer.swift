import BilagCore
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Claims Inbox files by atomic rename into `STATE/originals/DAY/ID.ext`, where they are kept for as long as the invoice exists.
///
/// Before renaming, the intended claims are appended to `STATE/claims.log` and made durable; once every claim it
/// names is recorded in the database (the end of a pass) the log is emptied. A crash between rename and record leaves
/// a file in `originals/` that the log names, and `recoverUnrecorded` picks it up: nothing is lost, nothing is
/// claimed twice (claims already recorded are told apart by their ids).
public final class Claimer: Sendable {
    public let stateDirectory: String
    /// Larger files are refused on their size, unread (a reload may change it between passes).
    public var maxFileBytes: Int64 {
        get { maxBytes.load(ordering: .relaxed) }
        set { maxBytes.store(newValue, ordering: .relaxed) }
    }
    private let maxBytes: Atomic<Int64>
    /// Inbox entries that could not be moved, for `bilag status`.
    public let unclaimable: UnclaimableFiles
    let ids = ClaimIDGenerator()
    var logPath: String { stateDirectory + "/claims.log" }

    public init(stateDirectory: String, maxFileBytes: Int64) throws {
        self.stateDirectory = stateDirectory
        maxBytes = Atomic(maxFileBytes)
        unclaimable = UnclaimableFiles(stateDirectory: stateDirectory)
        try FileIO.makeDirectory(stateDirectory + "/originals")
    }

    /// What one `claim` did.
    public struct Claimed {
        /// The files now in the state folder, in order.
        public var files: [ClaimedFile] = []
        /// Entries that could not be moved and were not already listed as such (warn about these, once).
        public var newlyUnclaimable: [UnclaimableFile] = []
    }

    /// Moves each candidate into the state folder. Candidates that vanished (claimed by someone else) are skipped,
    /// and so are those that cannot be moved: they are listed in `unclaimable`, and the others are claimed as usual.
    public func claim(_ candidates: [InboxCandidate], now: Date = Date()) throws -> Claimed {
        var result = Claimed()
        guard !candidates.isEmpty else { return result }
        let receivedAt = Timestamp.string(now)
        var planned: [(InboxCandidate, ClaimedFile, String)] = []
        var intents = ""
        for c in candidates {
            let id = ids.next(now: now)
            let day = ClaimIDGenerator.dayFolder(of: id)
            let stored = "originals/\(day)/\(id)\(Self.extensionOf(c.relativePath))"
            let f = ClaimedFile(id: id, channel: c.channel, sourcePath: c.relativePath, storedPath: stored, receivedAt: receivedAt)
            planned.append((c, f, day))
            intents += IntentLog.line(f)
        }
        try appendLog(intents)
        var folders = Set<String>()
        for (c, f, day) in planned {
            let target = stateDirectory + "/" + f.storedPath
            let folder = stateDirectory + "/originals/" + day
            if !folders.contains(folder) { try FileIO.makeDirectory(folder); folders.insert(folder) }
            if rename(c.rawPath, target) == 0 {
                if let receipt = c.rawReceiptPath { _ = rename(receipt, target + ".receipt") }
                result.files.append(f)
            } else if errno != ENOENT {
                // EACCES, EPERM, EBUSY, EXDEV, …: this one stays where it is; the rest of the batch goes on.
                let code = errno
                let error = code == EXDEV ? Self.otherFileSystem : Self.stateFolderTrouble(folder, code) ?? String(cString: strerror(code))
                if unclaimable.note(c.relativePath, raw: c.rawPath, error: error, now: now) {
                    result.newlyUnclaimable.append(UnclaimableFile(path: c.relativePath, error: error, since: Timestamp.string(now)))
                }
            }
        }
        for folder in folders { FileIO.sync(folder) }
        unclaimable.drop(claimed: result.files.map(\.sourcePath))
        return result
    }

    /// Why a claim failed on bilag's side, naming its folder, when the state folder cannot be written (no room, read
    /// only, its permissions or attributes); nil when the folder is fine and the file or its Inbox folder is the cause.
    /// Before, such an error was reported as the Inbox file's, and the operator was sent to look at the wrong files.
    static func stateFolderTrouble(_ folder: String, _ code: Int32) -> String? {
        let bilagsSide: Set<Int32> = [ENOSPC, EDQUOT, EROFS]
        guard bilagsSide.contains(code) || access(folder, W_OK) != 0 else { return nil }
        return "bilag cannot write its state folder \(folder) (\(String(cString: strerror(code)))): the file is fine; check that folder's owner, permissions and attributes and its file system's free space"
    }

    /// Why a file on another file system than the state folder (a channel linked to an SFTP drop's mount) stays.
    static let otherFileSystem = "on another file system than the state folder (Invalid cross-device link): a claim is an atomic rename, which cannot cross file systems; "
        + "put the channel's folder and the state folder on one file system"

    /// Reads a claimed file's bytes and hash, or notes why it cannot (safe to call from several threads at once).
    ///
    /// The kept original is made immutable first: when it shares its inode with another link (a file hard-linked
    /// into the Inbox, which whoever holds the other link could still change) its bytes are copied into a file of
    /// its own, and it is made read-only (0444). A file over the size limit is refused on its size, unread and
    /// unhashed. `verifying`: the hash recorded when it was claimed; bytes that no longer have it are not used
    /// (`originalChanged`). `keepBytes: false` hashes the file in pieces without holding it.
    public func load(_ file: inout ClaimedFile, verifying recorded: String = "", keepBytes: Bool = true) {
        load(&file, verifying: recorded, keepBytes: keepBytes, reserve: { _ in })
    }

    /// `load`, telling `reserve` the number of bytes about to be read before they are (a memory budget).
    public func load(_ file: inout ClaimedFile, verifying recorded: String = "", keepBytes: Bool = true, reserve: (Int64) throws -> Void) rethrows {
        let path = stateDirectory + "/" + file.storedPath
        let recordedSize = file.size
        var fd: Int32
        var st: stat
        switch FileIO.openRegular(path) {
        case let .notRegular(kind):
            file.readProblem = .notRegularFile(Self.describe(kind, at: path))
            return
        case .failed:
            let missing = access(path, F_OK) != 0
            file.readProblem = .unreadable(missing ? "the kept original is missing" : "the kept original cannot be read")
            return
        case let .opened(f, s):
            fd = f; st = s
        }
        defer { close(fd) }
        // A file another user owns (the sender's gateway, when bilag runs as a user of its own) keeps that user's right
        // to write it, and bilag cannot take it away (fchmod is the owner's): it is copied into a file of bilag's own,
        // as one sharing its bytes with another link is. (A file over the size limit is never read, so it is not
        // copied either: 20 GiB of holes would be written out.)
        let foreign = geteuid() != 0 && st.st_uid != geteuid()
        if st.st_nlink > 1 || foreign, Int64(st.st_size) <= maxFileBytes {
            guard let (copy, copied) = Self.ownCopy(of: fd, at: path) else {
                let why = foreign ? "belongs to another user (uid \(st.st_uid))" : "shares its bytes with another link"
                file.readProblem = .unreadable("the kept original \(why) and could not be copied: \(String(cString: strerror(errno)))")
                return
            }
            close(fd); fd = copy; st = copied
        }
        // (Not a file over the limit still linked elsewhere: its mode is the other link holder's too.)
        if st.st_mode & 0o222 != 0, st.st_nlink == 1 { _ = fchmod(fd, 0o444) }
        let size = Int64(st.st_size)
        file.size = size
        if size > maxFileBytes {
            file.readProblem = .tooLarge(size: size, limit: maxFileBytes)
            return
        }
        let sha: String
        if keepBytes {
            try reserve(size)
            guard let data = FileIO.readAll(fd, size: Int(size)) else { file.readProblem = .unreadable("the kept original cannot be read"); return }
            sha = ContentHash.sha256(data)
            file.size = Int64(data.count)
            file.bytes = data
        } else {
            guard let (h, n) = ContentHash.sha256(fd: fd) else { file.readProblem = .unreadable("the kept original cannot be read"); return }
            sha = h
            file.size = n
        }
        if !recorded.isEmpty, sha != recorded {
            file.bytes = nil
            file.readProblem = .originalChanged(recorded: recorded, now: sha, writtenOn: Self.onlyAppended(fd, recorded: recorded, recordedSize: recordedSize, size: file.size))
            return
        }
        file.sha256 = sha
    }

    /// True when a kept original that changed only grew: its first `recordedSize` bytes still have the hash recorded
    /// when it was claimed, as a file its sender went on writing after the claim (not one edited or replaced).
    static func onlyAppended(_ fd: Int32, recorded: String, recordedSize: Int64, size: Int64) -> Bool {
        guard recordedSize > 0, size > recordedSize, lseek(fd, 0, SEEK_SET) == 0,
              let head = FileIO.readAll(fd, size: Int(recordedSize)), head.count == Int(recordedSize) else { return false }
        return ContentHash.sha256(head) == recorded
    }

    /// What an entry that is not a file is, for its quarantine message; a link's target is named, never followed.
    static func describe(_ kind: EntryKind, at path: String) -> String {
        if kind == .symlink { return "symlink to \(InboxLink.target(of: path)); deliver the file itself" }
        return "\(kind.rawValue), not a file; deliver the file itself"
    }

    /// Copies an open file into a new file of its own that takes its place at `path` (read-only, synced), so the
    /// kept original shares no inode with a link outside bilag; returns the new file, open, and its fstat.
    static func ownCopy(of fd: Int32, at path: String) -> (Int32, stat)? {
        let tmp = path + ".own-copy"
        unlink(tmp)
        let out = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o444)
        guard out >= 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset: off_t = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, offset) }
            if n < 0 { if errno == EINTR { continue }; close(out); unlink(tmp); return nil }
            if n == 0 { break }
            var done = 0
            while done < n {
                let w = buffer.withUnsafeBytes { write(out, $0.baseAddress! + done, n - done) }
                if w < 0 { if errno == EINTR { continue }; close(out); unlink(tmp); return nil }
                done += w
            }
            offset += off_t(n)
        }
        var st = stat()
        guard fsync(out) == 0, rename(tmp, path) == 0, fstat(out, &st) == 0, lseek(out, 0, SEEK_SET) == 0 else { close(out); unlink(tmp); return nil }
        FileIO.sync((path as NSString).deletingLastPathComponent)
        return (out, st)
    }

    /// Empties the intent log once the claims it names are recorded.
    public func clearLog() {
        // Not when it is empty already: truncating stamps the file's times, and the daemon asks on every poll.
        if hasIntents { _ = truncate(logPath, 0) }
    }

    /// True when the intent log names claims (it is missing or empty after every good pass).
    public var hasIntents: Bool {
        var st = stat()
        return stat(logPath, &st) == 0 && st.st_size > 0
    }

    /// Claims whose file was moved but whose record never committed (a crash in between), rebuilt from the log's
    /// intact records (a torn last record is ignored: its rename never happened).
    public func recoverUnrecorded(isRecorded: ([String]) throws -> Set<String>) throws -> [ClaimedFile] {
        guard let data = FileIO.read(logPath), !data.isEmpty else { return [] }
        var seen = Set<String>()
        let found = IntentLog.records(data).filter { f in
            // The entry itself, whatever it is, but never a folder (a stored path is a file's).
            guard seen.insert(f.id).inserted, let kind = EntryKind.of(stateDirectory + "/" + f.storedPath) else { return false }
            return kind != .directory
        }
        let recorded = try isRecorded(found.map(\.id))
        return found.filter { !recorded.contains($0.id) }
    }

    func appendLog(_ text: String) throws {
        let fd = open(logPath, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw BilagError("state-unwritable", "cannot write \(logPath)", remedy: "check permissions of the state folder") }
        defer { close(fd) }
        var bytes = Array(text.utf8)
        // A record torn by a crash or a full disk has no newline: start on a line of its own, or this batch's
        // first record would be glued to it and lost with it.
        var st = stat()
        if fstat(fd, &st) == 0, st.st_size > 0 {
            var last: UInt8 = 0
            if pread(fd, &last, 1, off_t(st.st_size) - 1) == 1, last != 0x0A { bytes.insert(0x0A, at: 0) }
        }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 { if errno == EINTR { continue }; throw BilagError("state-unwritable", "cannot write \(logPath): \(String(cString: strerror(errno)))", remedy: "check the disk (is it full?)") }
            done += n
        }
        // The intents must be on disk before the renames they describe can be.
        guard fdatasync(fd) == 0 else { throw BilagError("state-unwritable", "cannot make \(logPath) durable: \(String(cString: strerror(errno)))", remedy: "check the disk") }
    }

    /// The file's extension, lowercased with its dot, to keep on the stored original (`.xml`); empty when it has
    /// none, or one longer than five characters or with other than letters and digits.
    static func extensionOf(_ path: String) -> String {
        // The common case, a short ASCII extension, byte by byte: `NSString.pathExtension` costs ~4 µs a claim.
        var reversed: [UInt8] = []
        for b in path.utf8.reversed() {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): reversed.append(b)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): reversed.append(b | 0x20)
            case UInt8(ascii: "."):
                // A leading dot names a hidden file, not an extension; anything unusual goes the general way.
                guard !reversed.isEmpty, reversed.count <= 5, path.utf8.count > reversed.count + 1,
                      path.utf8.dropLast(reversed.count + 1).last.map({ $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: ".") }) == true
                else { return generalExtension(path) }
                return "." + String(decoding: reversed.reversed(), as: UTF8.self)
            default:
                return generalExtension(path)
            }
            if reversed.count > 5 { return "" }
        }
        return generalExtension(path)
    }

    static func generalExtension(_ path: String) -> String {
        let ext = (path as NSString).pathExtension
        guard !ext.isEmpty, ext.count <= 5, ext.allSatisfy({ $0.isLetter || $0.isNumber }) else { return "" }
        return "." + ext.lowercased()
    }
}
