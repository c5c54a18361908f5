#if canImport(Glibc)
import Glibc
#endif

/// What kind of folder entry a path names, from its `st_mode`.
public enum EntryKind: String, Sendable, Equatable {
    case regular = "a regular file"
    case directory = "a folder"
    case symlink = "a symbolic link"
    case fifo = "a named pipe (FIFO)"
    case socket = "a socket"
    case characterDevice = "a character device"
    case blockDevice = "a block device"

    /// The kind for a mode, nil for one Linux does not have.
    public init?(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symlink
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        default: return nil
        }
    }

    /// The kind of the entry itself at `path` (lstat: a link is not followed); nil when there is none.
    public static func of(_ path: String) -> EntryKind? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return EntryKind(mode: st.st_mode)
    }
}
