import BilagDaemon
import BilagEngine
import BilagTestKit
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `bilag run` as systemd runs it: READY=1, watchdog pings and STOPPING=1 on $NOTIFY_SOCKET, SIGHUP reloads, SIGTERM exits 0.
final class ServiceTests: XCTestCase {
    /// A unix datagram socket standing in for systemd's notify socket.
    final class NotifySocket {
        let path: String
        let fd: Int32
        init() throws {
            path = NSTemporaryDirectory() + "bilag-notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { raw in for (i, b) in path.utf8.enumerated() { raw[i] = b } }
            let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
            guard ok == 0 else { throw TestKitError("cannot bind \(path)") }
            var tv = timeval(tv_sec: 0, tv_usec: 100_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        }
        /// Messages received until `until` holds or the timeout passes.
        func receive(timeout: TimeInterval, until: ([String]) -> Bool) -> [String] {
            var got: [String] = []
            let end = Date().addingTimeInterval(timeout)
            var buf = [UInt8](repeating: 0, count: 4096)
            while Date() < end, !until(got) {
                let n = recv(fd, &buf, buf.count, 0)
                if n > 0 { got.append(String(decoding: buf[0..<n], as: UTF8.self)) }
            }
            return got
        }
        deinit { close(fd); unlink(path) }
    }

    func testNotifyProtocolReloadAndGracefulStop() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", pollIntervalMs: 50)
        let sock = try NotifySocket()
        let daemon = try root.start(["run"], environment: ["NOTIFY_SOCKET": sock.path, "WATCHDOG_USEC": "400000"])
        defer { daemon.kill() }
        let first = sock.receive(timeout: 30) { msgs in msgs.contains { $0.hasPrefix("READY=1") } && msgs.contains("WATCHDOG=1") }
        XCTAssertTrue(first.contains { $0.hasPrefix("READY=1") }, "\(first)")
        XCTAssertTrue(first.contains("WATCHDOG=1"), "\(first)")

        // SIGHUP (READY=1 promises the handlers are in place): configuration reloaded, the daemon keeps running.
        daemon.send(SIGHUP)
        let reload = sock.receive(timeout: 20) { $0.contains("RELOADING=1") && $0.contains { $0.hasPrefix("READY=1") } }
        XCTAssertTrue(reload.contains("RELOADING=1"), "\(reload)")
        XCTAssertTrue(daemon.isRunning)

        daemon.terminate()
        let outcome = try XCTUnwrap(daemon.wait(timeout: 30), "the daemon did not stop on SIGTERM")
        XCTAssertEqual(outcome.exitCode, 0, outcome.description)
        let last = sock.receive(timeout: 2) { $0.contains("STOPPING=1") }
        XCTAssertTrue(last.contains("STOPPING=1"), "\(last)")
        // Logs are one JSON object per line.
        for line in outcome.stderr.split(separator: "\n") where !line.isEmpty {
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8)), String(line))
        }
    }

    /// The watchdog pings while intake makes progress or waits for the next poll, and stops while a pass makes none
    /// (a thread stuck in a system call): systemd then restarts the daemon instead of hearing it is fine.
    func testTheWatchdogPingsOnlyWhileIntakeMakesProgress() async throws {
        let sock = try NotifySocket()
        let heartbeat = Heartbeat()
        let watchdog = WatchdogService(notifier: SystemdNotifier(environment: ["NOTIFY_SOCKET": sock.path]), interval: .milliseconds(300), heartbeat: heartbeat)
        let task = Task { try await watchdog.run() }
        defer { task.cancel() }
        XCTAssertTrue(sock.receive(timeout: 2) { $0.count >= 2 }.count >= 2, "pings while intake waits")
        heartbeat.working(true) // a pass starts, and makes no progress
        // The pings of the first 300 ms (starting counts as progress) are let through; a ping checked before then but
        // sent late, on a busy host, is not counted as one sent while stuck.
        _ = sock.receive(timeout: 1.0) { _ in false }
        XCTAssertEqual(sock.receive(timeout: 1) { _ in false }, [], "pinged while intake was stuck")
        heartbeat.beat()
        XCTAssertFalse(sock.receive(timeout: 1) { !$0.isEmpty }.isEmpty, "pings resume with progress")
        heartbeat.working(false)
    }
}
