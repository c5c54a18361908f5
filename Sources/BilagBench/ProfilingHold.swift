import Foundation

/// Lets a profiler see the timed window of a benchmark alone (`scripts/profile-touchless`): with `BILAG_BENCH_HOLD=FILE`
/// set, the bench writes its pid to FILE once its set-up is done and waits until FILE is removed (the profiler is
/// attached by then), and when the timed window ends it writes `FILE.done` (the profiler stops). Unset: nothing.
struct ProfilingHold {
    let path: String?

    init(_ path: String?) { self.path = path.flatMap { $0.isEmpty ? nil : $0 } }

    func beforeTimedWindow() {
        guard let path else { return }
        try? "\(getpid())\n".write(toFile: path, atomically: true, encoding: .utf8)
        while FileManager.default.fileExists(atPath: path) { Thread.sleep(forTimeInterval: 0.02) }
    }

    func afterTimedWindow() {
        guard let path else { return }
        try? "\(getpid())\n".write(toFile: path + ".done", atomically: true, encoding: .utf8)
    }
}
