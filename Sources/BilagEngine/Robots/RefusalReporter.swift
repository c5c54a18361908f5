import BilagRobotLanguage
import BilagRobots
import Foundation
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Logs a refused robot file once per change: not again on every pass while the file stays as it is, again when it
/// changes (its size or modification time) and is still refused, and forgotten once it loads.
final class RefusalReporter: Sendable {
    private let reported = Mutex<[String: String]>([:])   // file → its version and the error last logged

    /// Logs the catalog's load errors not logged before in this form.
    func report(_ errors: [String: RobotLanguageError], to logger: Logger) {
        let fresh = reported.withLock { reported -> [(String, String)] in
            var fresh: [(String, String)] = []
            for (file, e) in errors.sorted(by: { $0.key < $1.key }) {
                let seen = Self.version(of: file) + "|" + e.description
                guard reported[file] != seen else { continue }
                reported[file] = seen
                fresh.append((file, e.description))
            }
            for file in reported.keys where errors[file] == nil { reported[file] = nil }
            return fresh
        }
        for (file, e) in fresh {
            logger.error("robot file refused; the last good version (if any) stays active", metadata: ["file": "\(file)", "error": "\(e)"])
        }
    }

    /// The file's size and modification time, as the catalog notices changes.
    static func version(of path: String) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { return "gone" }
        return "\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
    }
}
