import Foundation
import GRDB
import GRDBSQLite

/// Copies the write-ahead log into the database file on a thread and connection of its own, so that the thread
/// committing the invoices never waits for a checkpoint, and the disk writes of one overlap the work on the next
/// batches.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold, and the last connection to close
/// copies whatever the log still holds: both wait on the disk while the pipeline behind them stands still. The
/// writer's connection reports each commit's log size here instead (its WAL hook, which replaces the automatic
/// checkpoint), and this thread checkpoints PASSIVE: it copies what no reader still needs and never blocks the writer.
/// (`bilag run --once` over 10,000 invoices: from the last commit to the exit 123–141 ms before, 85–100 ms after,
/// six paired runs; the close copies only what the log gathered since the last checkpoint.)
///
/// A passive checkpoint cannot rewind the log while the writer keeps appending to it, so under a steady stream of
/// invoices the log would only grow. Once it holds `restartFrames` (64 MiB, the bound SQLite's automatic checkpoint
/// kept before), a RESTART checkpoint makes the next commit start the log over: the writer waits only while the pages
/// of the commits since the last passive checkpoint are copied.
final class Checkpointer: @unchecked Sendable {
    let path: String
    /// Checkpoint once this many log frames (pages) were committed since the last checkpoint.
    let passiveFrames: Int32
    /// Restart the log once it holds this many frames.
    let restartFrames: Int32

    private let condition = NSCondition()
    /// The log's frame count after the writer's last commit, and how much of it is copied.
    private var logFrames: Int32 = 0
    private var copiedFrames: Int32 = 0
    private var started = false
    private var stopping = false
    private let stopped = DispatchSemaphore(value: 0)
    /// Checkpoints run, and restarts among them (tests).
    private(set) var checkpoints = 0
    private(set) var restarts = 0

    init(path: String, passiveFrames: Int32 = 4096, restartFrames: Int32 = 16384) {
        self.path = path
        self.passiveFrames = passiveFrames
        self.restartFrames = restartFrames
    }

    /// Makes `db` (the writer) report its commits here. Replaces SQLite's automatic checkpoint on that connection.
    func attach(to db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, { context, _, _, frames in
            Unmanaged<Checkpointer>.fromOpaque(context!).takeUnretainedValue().committed(frames: frames)
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Called on the writer's connection after each commit with the log's frame count.
    private func committed(frames: Int32) {
        condition.lock()
        defer { condition.unlock() }
        logFrames = frames
        // A restarted log counts from zero again.
        if frames < copiedFrames { copiedFrames = 0 }
        guard frames - copiedFrames >= passiveFrames, !stopping else { return }
        if !started {
            started = true
            let t = Thread { [self] in run() }
            t.name = "bilag-checkpoint"
            t.start()
        }
        condition.signal()
    }

    /// Stops the thread after the checkpoint in hand; what the log still holds is copied when the database closes.
    func stop() {
        condition.lock()
        if stopping { condition.unlock(); return }
        stopping = true
        let wasStarted = started
        condition.signal()
        condition.unlock()
        if wasStarted { stopped.wait() }
    }

    /// Waits until nothing is left to copy by the thread's rule (tests).
    func waitUntilIdle() {
        while true {
            condition.lock()
            let busy = started && !stopping && logFrames - copiedFrames >= passiveFrames
            condition.unlock()
            if !busy { return }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    private func run() {
        defer { stopped.signal() }
        var connection: DatabaseQueue?
        while true {
            condition.lock()
            while !stopping, logFrames - copiedFrames < passiveFrames { condition.wait() }
            if stopping { condition.unlock(); return }
            condition.unlock()
            var copied: Int32?
            var restarted = false
            do {
                if connection == nil {
                    var config = Configuration()
                    // A RESTART waits for the writer's transaction in hand and for readers of older pages.
                    config.busyMode = .timeout(10)
                    config.label = "bilag.checkpoint"
                    connection = try DatabaseQueue(path: path, configuration: config)
                }
                let passive = try connection!.writeWithoutTransaction { try $0.checkpoint(.passive) }
                copied = Int32(passive.checkpointedFrameCount)
                if passive.walFrameCount >= Int(restartFrames) {
                    copied = Int32(try connection!.writeWithoutTransaction { try $0.checkpoint(.restart) }.checkpointedFrameCount)
                    restarted = true
                }
            } catch {
                // Busy (another process checkpoints) or an I/O error: the log stays whole and readable. The next
                // `passiveFrames` commits ask again; a pause keeps a lasting error from spinning.
                Thread.sleep(forTimeInterval: 0.5)
            }
            condition.lock()
            if let copied {
                checkpoints += 1
                if restarted { restarts += 1 }
                // The writer may have restarted the log meanwhile: its count is the one that holds.
                copiedFrames = copied > logFrames ? 0 : copied
            } else {
                copiedFrames = logFrames
            }
            condition.unlock()
        }
    }
}
