import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Small, explicit file operations: whole-file reads, streaming hashes, fsync.
public enum FileIO {
    /// Linux's `O_NOATIME` (the same value on x86-64 and arm64), which Glibc's Swift module does not export.
    static let noAccessTime: Int32 = 0o1000000

    /// What `read(_:limit:)` found.
    public enum Bounded {
        case data(Data)
        /// The file is larger than the limit; nothing was read.
        case tooLarge(size: Int64)
        /// Not a regular file (a symbolic link, a FIFO, a socket, a device, a folder): never opened, never followed.
        case notRegular(EntryKind)
        /// Missing, or it could not be opened or read.
        case unreadable
    }

    /// Reads a whole file; nil when it cannot be opened or is not a regular file.
    public static func read(_ path: String) -> Data? {
        if case let .data(d) = read(path, limit: .max) { return d }
        return nil
    }

    /// Reads a whole regular file unless it is larger than `limit` bytes: one open (never blocking, never following
    /// a link), one fstat, the reads.
    public static func read(_ path: String, limit: Int64) -> Bounded {
        switch openRegular(path) {
        case let .notRegular(kind): return .notRegular(kind)
        case .failed: return .unreadable
        case let .opened(fd, st):
            defer { close(fd) }
            if Int64(st.st_size) > limit { return .tooLarge(size: Int64(st.st_size)) }
            return readAll(fd, size: Int(st.st_size)).map { .data($0) } ?? .unreadable
        }
    }

    /// Reads `size` bytes from an open file (fewer if it shrank); nil on a read error.
    public static func readAll(_ fd: Int32, size: Int) -> Data? {
        guard size > 0 else { return Data() }
        // Read into memory that is not zeroed first (`Data(count:)` clears every byte the read then overwrites).
        guard let buffer = malloc(size) else { return nil }
        var done = 0
        while done < size {
            let n = Glibc.read(fd, buffer + done, size - done)
            if n < 0 { if errno == EINTR { continue }; free(buffer); return nil }
            if n == 0 { break }
            done += n
        }
        return Data(bytesNoCopy: buffer, count: done, deallocator: .free)
    }

    /// What `openRegular` found.
    public enum Opened {
        /// A regular file, open for reading (the caller closes `fd`), with what fstat said of it.
        case opened(fd: Int32, stat: stat)
        /// Something else is at the path; it was not opened (or was closed again at once).
        case notRegular(EntryKind)
        /// Missing or not openable (`errno`).
        case failed(Int32)
    }

    /// Opens a path for reading only if it is a regular file: `O_NOFOLLOW` (a link is never followed),
    /// `O_NONBLOCK` (a FIFO put in a file's place never blocks the opener), then fstat confirms the type.
    public static func openRegular(_ path: String) -> Opened {
        let flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK
        // O_NOATIME: reading a freshly delivered file would otherwise stamp its access time, dirtying its inode
        // for the kernel to write back, once per invoice. Allowed only to the file's owner; anyone else reads plainly.
        var fd = open(path, flags | noAccessTime)
        if fd < 0, errno == EPERM { fd = open(path, flags) }
        guard fd >= 0 else {
            let e = errno
            // ELOOP: the last component is a link (O_NOFOLLOW); ENXIO: a socket. Say what is there instead.
            var st = stat()
            if lstat(path, &st) == 0, let kind = EntryKind(mode: st.st_mode), kind != .regular { return .notRegular(kind) }
            return .failed(e)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else { let e = errno; close(fd); return .failed(e) }
        if let kind = EntryKind(mode: st.st_mode), kind != .regular { close(fd); return .notRegular(kind) }
        return .opened(fd: fd, stat: st)
    }

    /// fsync a file or folder by path (folders make renames and creations durable).
    public static func sync(_ path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// Creates a folder and its parents.
    public static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            var st = stat()
            let code: Int32 = stat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFDIR ? ENOTDIR : ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError).map { Int32($0.code) } ?? EIO
            throw FileWriteError(path: path, errno: code, doing: "create the folder")
        }
    }

    /// `writeAtomicallyNew` found a file of that name.
    public enum AlreadyExists: Error { case file }

    /// Writes a file that must not exist yet, atomically: a temporary name, fsync, a hard link to the final name (which
    /// fails rather than replacing a file there: `AlreadyExists.file`), fsync of the folder.
    public static func writeAtomicallyNew(_ data: Data, to path: String) throws {
        let tmp = try writeTemporary(data, beside: path)
        defer { unlink(tmp) }
        guard link(tmp, path) == 0 else {
            if errno == EEXIST { throw AlreadyExists.file }
            throw FileWriteError(path: path, errno: errno, doing: "write")
        }
        sync(folder(of: path))
    }

    /// The folder a path names its file in: what is before its last `/` ("." for none, "/" for a file at the root),
    /// cut by the bytes (NSString's `deletingLastPathComponent` costs some 80,000 instructions a call on Linux).
    static func folder(of path: String) -> String {
        var utf8 = Substring(path).utf8
        while utf8.count > 1, utf8.last == UInt8(ascii: "/") { utf8 = utf8.dropLast() }
        guard let slash = utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        var parent = utf8[..<slash]
        while parent.count > 1, parent.last == UInt8(ascii: "/") { parent = parent.dropLast() }
        return parent.isEmpty ? "/" : String(Substring(parent))
    }

    /// Writes `data` to a new temporary file in `path`'s folder and syncs it; returns its path.
    static func writeTemporary(_ data: Data, beside path: String) throws -> String {
        let tmp = folder(of: path) + "/.tmp-" + UUID().uuidString
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileWriteError(path: path, errno: errno, doing: "write") }
        var written = 0
        let ok = data.withUnsafeBytes { raw -> Bool in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 { if errno == EINTR { continue }; return false }
                written += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok else {
            let e = errno
            unlink(tmp)
            throw FileWriteError(path: path, errno: e, doing: "write")
        }
        return tmp
    }

    /// Writes a file atomically: a temporary name in the same folder, fsync, rename, fsync of the folder.
    public static func writeAtomically(_ data: Data, to path: String) throws {
        let tmp = try writeTemporary(data, beside: path)
        guard rename(tmp, path) == 0 else {
            let e = errno
            unlink(tmp)
            throw FileWriteError(path: path, errno: e, doing: "write")
        }
        sync(folder(of: path))
    }
}

/// A file or folder bilag could not write, named: a permission, a full disk, a read-only or immutable folder, a file
/// where a folder should be.
public struct FileWriteError: OperatorFacingError, Equatable {
    public let path: String
    public let errno: Int32
    /// "write", "create the folder".
    public let doing: String
    public init(path: String, errno: Int32, doing: String) { self.path = path; self.errno = errno; self.doing = doing }
    public var code: String { "file-unwritable" }
    public var message: String { "cannot \(doing) \(path): \(String(cString: strerror(errno)))" }
    public var remedy: String { "check the owner, permissions and attributes of \(FileIO.folder(of: path)) and the free space of its file system" }
}
