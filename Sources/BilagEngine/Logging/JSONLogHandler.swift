import BilagCore
import Foundation
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A swift-log handler that writes one JSON object per line to stderr, for journald.
///
/// Every message and metadata value passes through `PersonalData.maskCPR`, so a CPR number that slipped into a
/// message never reaches the log.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        write(level: event.level, message: event.message, metadata: event.metadata)
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        write(level: level, message: message, metadata: explicit)
    }

    func write(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?) {
        var all = metadata
        if let explicit {
            if all.isEmpty { all = explicit } else { all.merge(explicit) { _, new in new } }
        }
        var out = "{\"ts\":\"" + Timestamp.string() + "\",\"level\":\"" + level.rawValue + "\",\"logger\":\"" + Self.escape(label)
            + "\",\"event\":\"" + Self.escape(PersonalData.maskCPR(message.description)) + "\""
        for key in all.keys.sorted() {
            out += ",\"" + Self.escape(key) + "\":\"" + Self.escape(PersonalData.maskCPR(all[key]!.description)) + "\""
        }
        out += "}\n"
        Self.output.withLock { held in
            if let h = held.holder, pthread_equal(h, pthread_self()) != 0 {
                held.text += out
                if held.text.utf8.count >= 1 << 16 { Self.emit(&held.text) }
                return
            }
            Self.emit(&out)
        }
    }

    /// Lines written by the thread inside `batch`, held until the batch ends, and that thread.
    private struct Held { var text = ""; var holder: pthread_t? }
    private static let output = Mutex(Held())

    /// Runs `body`, writing the lines it logs on this thread with one write at its end (at most 64 KiB held)
    /// instead of one write each: the daemon logs a line per invoice. Lines of other threads go out at once.
    public static func batch(_ body: () -> Void) {
        output.withLock { $0.holder = pthread_self() }
        body()
        output.withLock { held in
            held.holder = nil
            emit(&held.text)
        }
    }

    /// Writes and empties `text` on file descriptor 2 (called with `output` held, so lines never interleave).
    private static func emit(_ text: inout String) {
        guard !text.isEmpty else { return }
        text.withUTF8 { buffer in
            var done = 0
            while done < buffer.count {
                let n = Glibc.write(2, buffer.baseAddress! + done, buffer.count - done)
                if n < 0 { if errno == EINTR { continue }; return }
                done += n
            }
        }
        text = ""
    }

    static func escape(_ s: String) -> String { JSONText.escape(s) }

    /// Sets up swift-log once for the process.
    public static func bootstrap(level: String) {
        let lvl = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: lvl) }
    }
}
