import BilagCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Claims Inbox files by atomic rename into `STATE/originals/DAY/ID.ext`, where they are kept for as long as the invoice exists.
///
/// Before renaming, the intended claims are appended to `STATE/claims.log` and made durable; once every claim it
/// names is recorded in the database (the end of a pass) the log is emptied. A crash between rename and record leaves
/// a file in `originals/` that the log names, and `recoverUnrecorded` picks it up: nothing is lost, nothing is
/// claimed twice (claims already recorded are told apart by their ids).
public final class Claimer: @unchecked Sendable {
    public let stateDirectory: String
    public var maxFileBytes: Int64
    let ids = ClaimIDGenerator()
    var logPath: String { stateDirectory + "/claims.log" }

    public init(stateDirectory: String, maxFileBytes: Int64) throws {
        self.stateDirectory = stateDirectory
        self.maxFileBytes = maxFileBytes
        try FileIO.makeDirectory(stateDirectory + "/originals")
    }

    /// Moves each candidate into the state folder. Candidates that vanished (claimed by someone else) are skipped.
    public func claim(_ candidates: [InboxCandidate], now: Date = Date()) throws -> [ClaimedFile] {
        guard !candidates.isEmpty else { return [] }
        let receivedAt = Timestamp.string(now)
        var planned: [(InboxCandidate, ClaimedFile, String)] = []
        var intents = ""
        for c in candidates {
            let id = ids.next(now: now)
            let day = ClaimIDGenerator.dayFolder(of: id)
            let stored = "originals/\(day)/\(id)\(Self.extensionOf(c.relativePath))"
            planned.append((c, ClaimedFile(id: id, channel: c.channel, sourcePath: c.relativePath, storedPath: stored, receivedAt: receivedAt), day))
            intents += "\(id)\t\(c.channel)\t\(Self.escape(c.relativePath))\t\(receivedAt)\t\(stored)\n"
        }
        try appendLog(intents)
        var claimed: [ClaimedFile] = []
        var folders = Set<String>()
        for (c, f, day) in planned {
            let target = stateDirectory + "/" + f.storedPath
            let folder = stateDirectory + "/originals/" + day
            if !folders.contains(folder) { try FileIO.makeDirectory(folder); folders.insert(folder) }
            if rename(c.path, target) == 0 {
                if let receipt = c.receiptPath { _ = rename(receipt, target + ".receipt") }
                claimed.append(f)
            } else if errno != ENOENT {
                throw BilagError("claim-failed", "cannot move \(c.relativePath) into the state folder: \(String(cString: strerror(errno)))", remedy: "check that the Inbox and the state folder are on the same file system and writable")
            }
        }
        for folder in folders { FileIO.sync(folder) }
        return claimed
    }

    /// Reads a claimed file's bytes and hash, or notes why it cannot (safe to call from several threads at once).
    public func load(_ file: inout ClaimedFile) {
        let path = stateDirectory + "/" + file.storedPath
        switch FileIO.read(path, limit: maxFileBytes) {
        case let .data(data):
            file.bytes = data
            file.size = Int64(data.count)
            file.sha256 = ContentHash.sha256(data)
        case let .tooLarge(size):
            file.size = size
            file.readProblem = .tooLarge(size: size, limit: maxFileBytes)
            if let (h, _) = ContentHash.sha256(file: path) { file.sha256 = h }
        case .unreadable:
            let missing = access(path, F_OK) != 0
            file.readProblem = .unreadable(missing ? "the kept original is missing" : "the kept original cannot be read")
        }
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

    /// Claims whose file was moved but whose record never committed (a crash in between), rebuilt from the log.
    public func recoverUnrecorded(isRecorded: ([String]) throws -> Set<String>) throws -> [ClaimedFile] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8), !text.isEmpty else { return [] }
        var found: [ClaimedFile] = []
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 5 else { continue }
            let f = ClaimedFile(id: parts[0], channel: parts[1], sourcePath: Self.unescape(parts[2]), storedPath: parts[4], receivedAt: parts[3])
            if access(stateDirectory + "/" + f.storedPath, F_OK) == 0 { found.append(f) }
        }
        let recorded = try isRecorded(found.map(\.id))
        return found.filter { !recorded.contains($0.id) }
    }

    func appendLog(_ text: String) throws {
        let fd = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BilagError("state-unwritable", "cannot write \(logPath)", remedy: "check permissions of the state folder") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 { if errno == EINTR { continue }; throw BilagError("state-unwritable", "cannot write \(logPath)", remedy: "check the disk") }
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

    static func escape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A }) else { return s }
        return s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\n", with: "\\n")
    }
    static func unescape(_ s: String) -> String { s.replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\t", with: "\t").replacingOccurrences(of: "\\\\", with: "\\") }
}
