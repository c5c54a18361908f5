import BilagCore
import Foundation
import GRDB
import GRDBSQLite

/// Copies the write-ahead log into the database file mostly on a thread and connection of its own, so that the
/// committing thread does not stand still while it is copied.
///
/// SQLite's automatic checkpoint copies the whole log inside the commit that crosses its threshold: at 16,384 pages
/// that is some 100–150 ms in which the writer waits on the disk and the examination workers run out of batches
/// (`bilag run --once` over 100,000 invoices: the two cores at 50–90 % instead of ~175 % for a moment after each of
/// its 15 checkpoints). Here the writer's connection reports each commit's log size (its WAL hook, which takes the
/// place of the automatic checkpoint), and once the log holds `thresholdFrames`:
///
/// 1. the thread checkpoints PASSIVE: it copies what was committed so far while the writer goes on committing, and
///    again for what the writer committed meanwhile, until that is at most `handOverFrames`;
/// 2. the writer then copies that rest in its next commit. Nothing is left in the log but what the database holds,
///    so SQLite starts the log over at the writer's next transaction. (The thread cannot do this last step: the
///    writer, committing every few dozen milliseconds, is nearly always in a transaction that keeps the log going.)
///
/// The log stays bounded: should it reach twice the threshold (the thread cannot keep up, or could not open its
/// connection), the writer copies it all in its commit as SQLite would. Every copy is synced before the log can be
/// reused (both connections write with `synchronous = FULL`). Paired runs of 100,000 invoices, against SQLite's
/// automatic checkpoint at the same threshold: faster in 7 of 7 pairs, by 3–15 % of the wall time.
// @unchecked: every var is read and written only with `condition` held; the lets never change.
final class Checkpointer: @unchecked Sendable {
    let path: String
    /// Checkpoint once the log holds this many frames (pages).
    let thresholdFrames: Int32
    /// The writer copies the rest once the thread's copies leave at most this many frames behind.
    let handOverFrames: Int32

    /// `copied`: the thread's last copy reached this many frames of the log, and nothing has been copied since.
    private enum Phase: Equatable { case idle, copying, copied(through: Int32) }
    private let condition = NSCondition()
    private var phase = Phase.idle
    /// `copySoon` was asked during a copy: the thread copies once more when it is done.
    private var copyAgain = false
    private var started = false
    private var stopping = false
    private let stopped = DispatchSemaphore(value: 0)
    /// Copies made by the thread, and by the writer (the rest, or at the bound) (tests).
    private(set) var threadCopies = 0
    private(set) var writerCopies = 0
    /// Runs on the thread before each of its copies (tests hold the copy there).
    var beforeThreadCopy: (() -> Void)?

    init(path: String, thresholdFrames: Int32 = 16384, handOverFrames: Int32 = 2048) {
        self.path = path
        self.thresholdFrames = thresholdFrames
        self.handOverFrames = handOverFrames
    }

    /// Makes `db`, the writer, report its commits here. Replaces SQLite's automatic checkpoint on that connection.
    func attach(to db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, { context, connection, _, frames in
            Unmanaged<Checkpointer>.fromOpaque(context!).takeUnretainedValue().committed(connection!, frames: frames)
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Stops reporting `db`'s commits here (before the writer closes).
    static func detach(from db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, nil, nil)
    }

    /// Called on the writer's connection after each commit, with the number of frames the log holds.
    private func committed(_ connection: OpaquePointer, frames: Int32) {
        condition.lock()
        guard frames >= thresholdFrames else {
            // The log was started over (or is small): what the thread last copied is no measure of the rest.
            if case .copied = phase { phase = .idle }
            condition.unlock()
            return
        }
        var copyHere = false
        switch phase {
        case .copying:
            // The thread is slow to copy (or has not begun): at the bound the writer copies, unless the thread is
            // copying this moment (then SQLite tells the writer busy, and the thread's copy goes on).
            copyHere = frames >= 2 * thresholdFrames
        case .idle, .copied:
            var rest = frames
            if case let .copied(through) = phase, frames >= through { rest = frames - through }
            if stopping || rest <= handOverFrames || frames >= 2 * thresholdFrames {
                phase = .idle
                copyHere = true
            } else {
                phase = .copying
                startCopying()
            }
        }
        condition.unlock()
        guard copyHere else { return }
        // Busy when another process is checkpointing: the log is then copied by it, or at a later commit.
        if sqlite3_wal_checkpoint_v2(connection, "main", SQLITE_CHECKPOINT_PASSIVE, nil, nil) == SQLITE_OK {
            condition.lock()
            writerCopies += 1
            condition.unlock()
        }
    }

    /// Asks the thread to copy the log now, below the threshold too (the Inbox ran empty: the database file is then
    /// up to date while bilag waits, and a stop or the end of `bilag run --once` has little left to copy).
    func copySoon() {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return }
        // A copy in hand may have begun before the latest commits: one more follows it.
        if phase == .copying { copyAgain = true; return }
        phase = .copying
        startCopying()
    }

    /// Wakes the thread for the copy `phase` asks for, starting it the first time (called holding `condition`).
    private func startCopying() {
        if !started {
            started = true
            ThreadName.start("bilag-wal") { [self] in run() }
        }
        condition.signal()
    }

    /// Stops the thread after the copy in hand; what the log still holds is copied when the database closes.
    func stop() {
        condition.lock()
        if stopping { condition.unlock(); return }
        stopping = true
        let wasStarted = started
        condition.signal()
        condition.unlock()
        if wasStarted { stopped.wait() }
    }

    /// Waits until the thread has no copy in hand (tests).
    func waitWhileCopying() {
        while true {
            condition.lock()
            let busy = phase == .copying && !stopping
            condition.unlock()
            if !busy { return }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    private func run() {
        var connection: DatabaseQueue?
        // The thread's connection is closed before `stop` returns: the writer's close is then the last, which copies
        // what the log still holds and removes it.
        defer { try? connection?.close(); stopped.signal() }
        while true {
            condition.lock()
            while !stopping, phase != .copying { condition.wait() }
            if stopping { condition.unlock(); return }
            condition.unlock()
            beforeThreadCopy?()
            var copied: Int32?
            do {
                if connection == nil {
                    var config = Configuration()
                    config.label = "bilag.checkpoint"
                    // The copy is synced before SQLite may start the log over.
                    config.prepareDatabase { try $0.execute(sql: "PRAGMA synchronous = FULL") }
                    connection = try DatabaseQueue(path: path, configuration: config)
                }
                copied = Int32(clamping: try connection!.writeWithoutTransaction { try $0.checkpoint(.passive) }.checkpointedFrameCount)
            } catch {
                // Busy (another process is checkpointing) or an I/O error: the log stays whole and readable, and a
                // later commit asks again (the writer copies itself at the bound). A pause keeps an error from spinning.
                Thread.sleep(forTimeInterval: 0.2)
            }
            condition.lock()
            if let copied {
                threadCopies += 1
                phase = copyAgain ? .copying : .copied(through: copied)
                copyAgain = false
            } else {
                phase = .idle
            }
            condition.unlock()
        }
    }
}
