import BilagCore
import Foundation

/// A file moved out of the Inbox into the state folder: from now on bilag owns it.
@dynamicMemberLookup
public struct ClaimedFile: Sendable {
    /// The stored fields, held in one box that copies share until one of them changes a field (copy on write): a
    /// claimed file is passed from the claim through examination to the commit as one retain.
    public struct Fields: Sendable {
        public var id: String
        public var channel: String
        /// Where it was, relative to `Inbox/`.
        public var sourcePath: String
        /// Where it is kept, relative to the state folder.
        public var storedPath: String
        public var receivedAt: String
        public var size: Int64 = 0
        /// Empty for an entry that is not a file, and for a file over the size limit (refused on its size, unread).
        public var sha256: String = ""
        /// The bytes, when they fit the size limit.
        public var bytes: Data?
        /// Set when the file could not be read, is over the size limit, is not a file, or changed since it was recorded.
        public var readProblem: ReadProblem?
        /// True for an invoice taken up again from the store (a re-run, a re-evaluation, unfinished work), which may
        /// have been decided before; false for a file just claimed from the Inbox, which cannot have been.
        public var takenUpAgain: Bool = false

        public init(id: String, channel: String, sourcePath: String, storedPath: String, receivedAt: String, size: Int64 = 0, sha256: String = "") {
            self.id = id; self.channel = channel; self.sourcePath = sourcePath; self.storedPath = storedPath; self.receivedAt = receivedAt; self.size = size; self.sha256 = sha256
        }
    }

    @usableFromInline var box: SharedFields<Fields>

    public init(id: String, channel: String, sourcePath: String, storedPath: String, receivedAt: String, size: Int64 = 0, sha256: String = "") {
        box = SharedFields(Fields(id: id, channel: channel, sourcePath: sourcePath, storedPath: storedPath, receivedAt: receivedAt, size: size, sha256: sha256))
    }

    /// Each field of `Fields`, read in place and changed in place once the box is this value's own.
    @inlinable public subscript<T>(dynamicMember field: WritableKeyPath<Fields, T>) -> T {
        _read { yield box.fields[keyPath: field] }
        _modify { SharedFields.makeUnique(&box); yield &box.fields[keyPath: field] }
    }

    public enum ReadProblem: Sendable, Equatable {
        case tooLarge(size: Int64, limit: Int64)
        case unreadable(String)
        /// The entry is not a regular file (a link, a FIFO, a socket, …); the text says what it is.
        case notRegularFile(String)
        /// The kept original's bytes no longer have the hash recorded when it was claimed. `writtenOn`: it only grew
        /// (its first bytes are still those claimed), as a file its sender was still writing grows (a `quiet` channel
        /// whose quiet period was shorter than the sender's pause), rather than edited or replaced.
        case originalChanged(recorded: String, now: String, writtenOn: Bool)
    }

}
