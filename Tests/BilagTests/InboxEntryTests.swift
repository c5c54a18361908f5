import BilagCore
import BilagIntake
import BilagStore
import BilagTestKit
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// What lands in the Inbox that is not a plain invoice file, through the real binary: entries that are not files,
/// hard links, names that are not UTF-8, files that cannot be moved, future modification times.
final class InboxEntryTests: XCTestCase {
    let template = try! InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")

    /// Every entry of a folder (not only files), names as bytes.
    static func entries(_ folder: String) -> [String] {
        guard let d = opendir(folder) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { PathBytes.display($0.prefix { $0 != 0 }) }
            if name != "." && name != ".." { out.append(name) }
        }
        return out.sorted()
    }

    /// A unix socket bound at `path` (left there when the descriptor is closed).
    static func makeSocket(at path: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in for (i, b) in path.utf8.enumerated() { raw[i] = b } }
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        guard ok == 0 else { throw TestKitError("cannot bind \(path)") }
    }

    /// Symbolic links (to an invoice, in a loop), a FIFO and a socket in the Inbox: each is moved aside and
    /// quarantined `not-a-regular-file` with what it is (a link with its target), logged once, never followed. A link
    /// to a folder inside a channel is not walked into either, nor moved: it is listed (`InboxLinkTests` for channels).
    func testEntriesThatAreNotFilesAreQuarantinedWithTheirReasonAndLinksAreNeverFollowed() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        let elsewhere = root.path + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let real = template.invoice(number: "LINKED-1")
        try real.write(to: URL(fileURLWithPath: elsewhere + "/real.xml"))
        let folder = root.inbox + "/peppol"
        try root.deliver(template.invoice(number: "PLAIN-1"), to: "peppol/plain.xml")
        XCTAssertEqual(symlink(elsewhere + "/real.xml", folder + "/linked.xml"), 0)
        XCTAssertEqual(symlink("loop.xml", folder + "/loop.xml"), 0)
        XCTAssertEqual(mkfifo(folder + "/pipe.xml", 0o644), 0)
        try Self.makeSocket(at: folder + "/sock.xml")
        XCTAssertEqual(symlink(elsewhere, folder + "/linked-folder"), 0) // a link to a folder in a channel is not walked into

        let run = try root.bilag(["run", "--once"], timeout: 30)
        XCTAssertEqual(run.exitCode, 0, "\(run)")
        XCTAssertEqual(run.processed, 5, run.stdout)
        XCTAssertEqual(Self.entries(folder), ["linked-folder"], "every entry but the folder's link must have left the Inbox")
        XCTAssertEqual(Self.entries(root.inbox), ["peppol"])
        let records = Dictionary(uniqueKeysWithValues: try root.records().map { ($0.sourcePath, $0) })
        XCTAssertEqual(records.count, 5)
        let expected: [String: (EntryKind, String)] = [
            "peppol/linked.xml": (.symlink, "symlink to \(elsewhere)/real.xml; deliver the file itself"),
            "peppol/loop.xml": (.symlink, "symlink to loop.xml; deliver the file itself"),
            "peppol/pipe.xml": (.fifo, "a named pipe (FIFO), not a file"),
            "peppol/sock.xml": (.socket, "a socket, not a file"),
        ]
        for (path, (kind, message)) in expected {
            guard let r = records[path] else { XCTFail("\(path) not recorded"); continue }
            XCTAssertEqual(r.state, .quarantined, path)
            XCTAssertEqual(r.reasonCode, "not-a-regular-file", path)
            XCTAssertTrue((r.reasonMessage ?? "").contains(message), "\(path): \(r.reasonMessage ?? "nil")")
            XCTAssertNil(r.invoiceNumber, "\(path) was read")
            XCTAssertEqual(EntryKind.of(root.originalPath(of: r)), kind, "\(path): the entry itself is kept")
        }
        XCTAssertEqual(records["peppol/plain.xml"]?.invoiceNumber, "PLAIN-1")
        XCTAssertEqual(FileManager.default.contents(atPath: elsewhere + "/real.xml"), real, "the link's target is left alone")
        XCTAssertEqual(run.stderr.components(separatedBy: "\"event\":\"quarantined\"").count - 1, 4, "one log line per entry")
        let listed = (try root.bilagSucceeding(["status", "--json"]).jsonObject()["unclaimable"] as? [[String: Any]]) ?? []
        XCTAssertEqual(listed.map { $0["path"] as? String }, ["peppol/linked-folder/"], "\(listed)")
        XCTAssertTrue((listed.first?["error"] as? String ?? "").contains("not followed inside a channel"), "\(listed)")
        // Retried, a link is still not followed.
        let link = try XCTUnwrap(records["peppol/linked.xml"])
        _ = try root.bilagSucceeding(["queue", "retry", link.id, "--user", "tester"])
        XCTAssertEqual(try root.records().first { $0.id == link.id }?.reasonCode, "not-a-regular-file")
    }

    /// A FIFO in the state folder where a claimed file should be (a FIFO renamed over an invoice just before it
    /// was claimed, then a crash): recovery must not block opening it, it is quarantined and the run ends.
    func testAFIFOInPlaceOfAClaimedFileNeverBlocksRecovery() throws {
        let (root, id) = try Self.rootWithAFIFOClaimed()
        try root.deliver(template.invoice(number: "AFTER-FIFO"), to: "peppol/after.xml")

        let run = try root.bilag(["run", "--once"], timeout: 30)
        XCTAssertEqual(run.exitCode, 0, "\(run)")
        let records = try root.records()
        XCTAssertEqual(records.count, 2)
        let fifo = try XCTUnwrap(records.first { $0.id == id })
        XCTAssertEqual(fifo.state, .quarantined)
        XCTAssertEqual(fifo.reasonCode, "not-a-regular-file")
        XCTAssertEqual(records.first { $0.id != id }?.invoiceNumber, "AFTER-FIFO")
    }

    /// The daemon started on such a state folder recovers, keeps running, and stops on SIGTERM with exit code 0.
    func testTheDaemonWithAFIFOInPlaceOfAClaimedFileStopsOnSIGTERM() throws {
        let (root, id) = try Self.rootWithAFIFOClaimed()
        let daemon = try root.startDaemon()
        defer { daemon.kill() }
        XCTAssertTrue(poll(timeout: 15) { FileManager.default.fileExists(atPath: root.databasePath) && (try? root.records().first { $0.id == id }?.state) == .quarantined }, "the FIFO's claim was never recovered")
        daemon.terminate()
        let end = try XCTUnwrap(daemon.wait(timeout: 20), "SIGTERM was ignored")
        XCTAssertEqual(end.exitCode, 0, "\(end)")
    }

    /// A root whose state folder holds a FIFO where a claimed file should be, named by `claims.log` (as a crash leaves it).
    static func rootWithAFIFOClaimed(_ name: String = #function) throws -> (TemporaryRoot, String) {
        let root = try TemporaryRoot(name)
        try root.configure(readiness: "rename")
        let id = "20261203-120000-000001-p0001"
        try FileManager.default.createDirectory(atPath: root.state + "/originals/2026-12-03", withIntermediateDirectories: true)
        guard mkfifo(root.state + "/originals/2026-12-03/\(id).xml", 0o644) == 0 else { throw TestKitError("mkfifo failed") }
        try Data("\(id)\tpeppol\tpeppol/inv.xml\t2026-12-03T12:00:00.000Z\toriginals/2026-12-03/\(id).xml\n".utf8).write(to: URL(fileURLWithPath: root.state + "/claims.log"))
        return (root, id)
    }

    /// Runs `bilag ARGS --root ROOT` as the user `uid` (with its group); its exit status and standard output.
    static func run(as uid: uid_t, _ args: [String], root: TemporaryRoot) throws -> (status: Int32, stdout: String) {
        let bin = try BilagBinary.locate()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        p.arguments = ["--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "--", bin.path] + args + ["--root", root.path]
        p.environment = ["HOME": root.path, "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }

    /// A file bilag cannot read when it claims it is quarantined `unreadable`, saying what to do; once it can be read,
    /// `queue retry` decides it and records its hash and size then, so that the duplicate check, every later read and
    /// the booking have them (it was booked with an empty hash).
    func testAFileUnreadableWhenClaimedGetsItsHashWhenFirstRead() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root, to run bilag as one user and deliver as another") }
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        try FileManager.default.createDirectory(atPath: root.inbox + "/peppol", withIntermediateDirectories: true)
        let bilagUser: uid_t = 65534
        XCTAssertEqual(chown(root.path, bilagUser, gid_t(bilagUser)), 0)
        for sub in FileManager.default.subpaths(atPath: root.path) ?? [] { XCTAssertEqual(lchown(root.path + "/" + sub, bilagUser, gid_t(bilagUser)), 0) }
        let bytes = template.invoice(number: "LOCKED-1")
        let delivered = try root.deliver(bytes, to: "peppol/locked.xml")
        XCTAssertEqual(chmod(delivered, 0o000), 0)
        XCTAssertEqual(try Self.run(as: bilagUser, ["run", "--once"], root: root).status, 0)
        let r = try XCTUnwrap(try root.records().first)
        XCTAssertEqual(r.state, .quarantined)
        XCTAssertEqual(r.reasonCode, "unreadable")
        XCTAssertTrue(r.reasonMessage?.contains("make it readable to the user bilag runs as") == true && r.reasonMessage?.contains("bilag queue retry") == true, r.reasonMessage ?? "")
        XCTAssertEqual(r.sha256, "")

        XCTAssertEqual(chmod(root.originalPath(of: r), 0o644), 0)
        XCTAssertEqual(try Self.run(as: bilagUser, ["queue", "retry", r.id, "--user", "tester"], root: root).status, 0)
        let after = try XCTUnwrap(try root.records().first)
        XCTAssertEqual(after.state, .manual)
        XCTAssertEqual(after.sha256, ContentHash.sha256(bytes))
        XCTAssertEqual(after.size, Int64(bytes.count))
        XCTAssertEqual(after.invoiceNumber, "LOCKED-1")
    }

    /// bilag runs as a user of its own (`nobody` here) and the sender's gateway as another (`daemon`): the file it
    /// delivers stays the gateway's, writable by it, and bilag cannot make it read-only. The kept original is a copy
    /// of bilag's own, read-only; what the gateway writes to its file afterwards changes nothing kept.
    func testAFileOwnedByAnotherUserIsKeptAsACopyOfBilagsOwn() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root, to run bilag as one user and deliver as another") }
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        try FileManager.default.createDirectory(atPath: root.inbox + "/peppol", withIntermediateDirectories: true)
        let bilagUser: uid_t = 65534, sender: uid_t = 1   // nobody, daemon
        func chownTree(_ path: String, _ uid: uid_t) throws {
            XCTAssertEqual(chown(path, uid, gid_t(uid)), 0)
            for sub in FileManager.default.subpaths(atPath: path) ?? [] { XCTAssertEqual(lchown(path + "/" + sub, uid, gid_t(uid)), 0) }
        }
        try chownTree(root.path, bilagUser)
        let delivered = try root.deliver(template.invoice(number: "OWN-1"), to: "peppol/own.xml")
        XCTAssertEqual(chown(delivered, sender, gid_t(sender)), 0)
        XCTAssertEqual(chmod(delivered, 0o644), 0)
        // Kept open by the gateway, as a file server keeps the files it receives.
        let gateway = open(delivered, O_WRONLY)
        XCTAssertGreaterThanOrEqual(gateway, 0)
        defer { close(gateway) }

        XCTAssertEqual(try Self.run(as: bilagUser, ["run", "--once"], root: root).status, 0)

        let r = try XCTUnwrap(try root.records().first)
        XCTAssertEqual(r.state, .manual)
        let original = root.originalPath(of: r)
        var st = stat()
        XCTAssertEqual(lstat(original, &st), 0)
        XCTAssertEqual(st.st_uid, bilagUser, "the kept original is still the sender's file")
        XCTAssertEqual(st.st_mode & 0o777, 0o444)
        // The gateway writes through the descriptor it kept: the kept original stays as it was claimed.
        let forged = Array(template.invoice(number: "OWN-FORGED"))
        XCTAssertEqual(pwrite(gateway, forged, forged.count, 0), forged.count)
        XCTAssertEqual(ContentHash.sha256(file: original)?.0, r.sha256)
    }

    /// A file hard-linked into the Inbox: the kept original gets an inode of its own (what the other link's holder
    /// writes later does not change it) and is read-only; an original changed anyway is quarantined on retry
    /// (`original-changed`), never decided on its new bytes.
    func testAHardLinkedFileIsKeptAsACopyOfItsOwnAndAChangedOriginalIsNeverDecidedOn() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        let outside = root.path + "/outside.xml"
        let bytes = template.invoice(number: "HARD-1")
        try bytes.write(to: URL(fileURLWithPath: outside))
        try FileManager.default.createDirectory(atPath: root.inbox + "/peppol", withIntermediateDirectories: true)
        XCTAssertEqual(link(outside, root.inbox + "/peppol/hard.xml"), 0)

        try root.bilagSucceeding(["run", "--once"])
        let r = try XCTUnwrap(try root.records().first)
        XCTAssertEqual(r.state, .manual)
        let original = root.originalPath(of: r)
        var st = stat()
        XCTAssertEqual(lstat(original, &st), 0)
        XCTAssertEqual(st.st_nlink, 1, "the kept original shares its inode with the link outside")
        XCTAssertEqual(st.st_mode & 0o777, 0o444, "the kept original must be read-only")
        // Whoever holds the other link writes to it: the kept original stays as it was claimed.
        try template.invoice(number: "HARD-CHANGED").write(to: URL(fileURLWithPath: outside))
        XCTAssertEqual(ContentHash.sha256(file: original)?.0, r.sha256)
        XCTAssertEqual(FileManager.default.contents(atPath: original), bytes)

        // Someone changes the kept original itself; a retry must not decide on the changed bytes.
        XCTAssertEqual(chmod(original, 0o644), 0)
        try template.invoice(number: "HARD-FORGED").write(to: URL(fileURLWithPath: original))
        _ = try root.bilagSucceeding(["queue", "retry", r.id, "--user", "tester"])
        let after = try XCTUnwrap(try root.records().first)
        XCTAssertEqual(after.state, .quarantined)
        XCTAssertEqual(after.reasonCode, "original-changed")
        XCTAssertTrue(after.reasonMessage?.contains("Find out who changed var/originals") == true, "rewritten, not grown: \(after.reasonMessage ?? "")")
        XCTAssertEqual(after.sha256, r.sha256, "the recorded hash stays the one claimed")
        XCTAssertEqual(after.invoiceNumber, "HARD-1")
        XCTAssertTrue(try root.journal().entries.isEmpty)
        XCTAssertFalse(try root.bilagSucceeding(["queue", "show", r.id, "--user", "tester"]).stdout.contains("HARD-FORGED"), "queue show read the changed bytes")
    }

    /// A sender on a `quiet` channel pauses longer than the quiet period, bilag claims the half-written file, and the
    /// sender writes the rest into it through the descriptor it still holds. The half is quarantined as it was read;
    /// a retry finds the kept original changed, and says it only grew, as a file its sender went on writing grows,
    /// with what to do (the quiet period), instead of sending the operator to look for who tampered with var/originals.
    func testASenderStillWritingAfterTheClaimIsToldFromTampering() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "quiet", pollIntervalMs: 25, intake: ["quiet_period_ms: 200"])
        let bytes = template.invoice(number: "SLOW-1")
        try FileManager.default.createDirectory(atPath: root.inbox + "/peppol", withIntermediateDirectories: true)
        let path = root.inbox + "/peppol/slow.xml"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        let half = bytes.count / 2
        XCTAssertEqual(bytes.prefix(half).withUnsafeBytes { write(fd, $0.baseAddress, half) }, half)
        Thread.sleep(forTimeInterval: 0.5)   // the sender pauses past the quiet period
        let once = try root.bilag(["run", "--once"], timeout: 30)
        XCTAssertEqual(once.exitCode, 0, "\(once)")
        let r = try XCTUnwrap(try root.records().first)
        XCTAssertEqual(r.state, .quarantined, "decided on the half it read: \(r)")
        // The sender goes on: the rest lands in the kept original through its descriptor.
        let rest = bytes.count - half
        XCTAssertEqual(bytes.suffix(rest).withUnsafeBytes { write(fd, $0.baseAddress, rest) }, rest)

        _ = try root.bilagSucceeding(["queue", "retry", r.id, "--user", "tester"])
        let after = try XCTUnwrap(try root.records().first)
        XCTAssertEqual(after.reasonCode, "original-changed")
        let message = after.reasonMessage ?? ""
        XCTAssertTrue(message.contains("grew after it was claimed") && message.contains("quiet_period_ms"), message)
        XCTAssertFalse(message.contains("Find out who changed"), message)
        XCTAssertTrue(try root.journal().entries.isEmpty)
    }

    /// Names that are not UTF-8 (Latin-1 from a Windows client), of files and folders, in a quiet channel: claimed,
    /// recorded with the odd bytes shown as `\xE6`, and `run --once` ends.
    func testFileNamesThatAreNotUTF8AreClaimedAndShownWithTheirBytesEscaped() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "quiet", intake: ["quiet_period_ms: 200"])
        try FileManager.default.createDirectory(atPath: root.inbox + "/scanner", withIntermediateDirectories: true)
        func create(_ bytes: [UInt8], _ data: Data) throws {
            let path = Array(root.inbox.utf8) + bytes
            let fd = open(path.map { CChar(bitPattern: $0) } + [0], O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw TestKitError("cannot create \(PathBytes.display(path))") }
            data.withUnsafeBytes { _ = write(fd, $0.baseAddress!, $0.count) }
            var times = [timespec(tv_sec: time(nil) - 3600, tv_nsec: 0), timespec(tv_sec: time(nil) - 3600, tv_nsec: 0)]
            futimens(fd, &times)
            close(fd)
        }
        try create(Array("/scanner/faktura-".utf8) + [0xE6, 0xF8, 0xE5] + Array(".xml".utf8), template.invoice(number: "LATIN-1"))
        let folder = Array("/scanner/".utf8) + [0xD8] + Array("rsted".utf8)
        XCTAssertEqual(mkdir((Array(root.inbox.utf8) + folder).map { CChar(bitPattern: $0) } + [0], 0o755), 0)
        try create(folder + Array("/inv.xml".utf8), template.invoice(number: "LATIN-2"))

        let run = try root.bilag(["run", "--once"], timeout: 30)
        XCTAssertEqual(run.exitCode, 0, "\(run)")
        XCTAssertEqual(run.processed, 2, run.stdout)
        XCTAssertEqual(Self.entries(root.inbox + "/scanner").filter { !$0.contains("rsted") }, [])
        let names = Dictionary(uniqueKeysWithValues: try root.records().map { ($0.sourcePath, $0.invoiceNumber ?? "") })
        XCTAssertEqual(names, ["scanner/faktura-\\xE6\\xF8\\xE5.xml": "LATIN-1", "scanner/\\xD8rsted/inv.xml": "LATIN-2"])
    }

    /// A modification time in the future in a quiet channel: logged once, claimed once the quiet period has passed
    /// since the file was first seen; `run --once` ends.
    func testAFutureModificationTimeIsLoggedOnceAndTheQuietPeriodCountsFromFirstSight() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "quiet", intake: ["quiet_period_ms: 500"])
        let path = try root.write(template.invoice(number: "FUTURE-1"), to: "scanner/future.xml")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(200 * 86400)], ofItemAtPath: path)
        let started = Date()
        let run = try root.bilag(["run", "--once"], timeout: 30)
        XCTAssertEqual(run.exitCode, 0, "\(run)")
        XCTAssertEqual(run.processed, 1, run.stdout)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.45, "claimed before its quiet period")
        XCTAssertEqual(run.stderr.components(separatedBy: "modified in the future").count - 1, 1, run.stderr)
        XCTAssertEqual(try root.records().first?.invoiceNumber, "FUTURE-1")
    }

    /// A file the daemon cannot move (immutable, `chattr +i`, which binds root too): skipped with one warning, the
    /// files after it are claimed, `bilag status` lists it; once it can be moved it is claimed and leaves the list.
    func testAFileThatCannotBeMovedIsSkippedWarnedAboutOnceAndListedInStatus() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", pollIntervalMs: 25)
        for i in 0..<6 { try root.deliver(template.invoice(number: "MOVE-\(i)"), to: "peppol/inv-\(i).xml") }
        let locked = try root.deliver(template.invoice(number: "LOCKED-1"), to: "peppol/locked.xml")
        let chattr = try BilagBinary(path: "/usr/bin/chattr").runTool(["+i", locked])
        guard chattr == 0 else { throw XCTSkip("chattr +i is not possible here") }
        defer { _ = try? BilagBinary(path: "/usr/bin/chattr").runTool(["-i", locked]) }

        let once = try root.bilag(["run", "--once"], timeout: 30)
        XCTAssertEqual(once.exitCode, 0, "\(once)")
        XCTAssertEqual(once.processed, 6, once.stdout)
        XCTAssertEqual(root.inboxFiles(), ["peppol/locked.xml"])

        let daemon = try root.startDaemon()
        defer { daemon.kill() }
        Thread.sleep(forTimeInterval: 1) // dozens of passes
        let status = try root.bilagSucceeding(["status", "--json"]).jsonObject()
        let list = try XCTUnwrap(status["unclaimable"] as? [[String: Any]], "\(status)")
        XCTAssertEqual(list.count, 1)
        XCTAssertEqual(list.first?["path"] as? String, "peppol/locked.xml")
        XCTAssertEqual(list.first?["error"] as? String, String(cString: strerror(EPERM)))
        XCTAssertNotNil(list.first?["since"] as? String)
        XCTAssertTrue(try root.bilagSucceeding(["status"]).stdout.contains("peppol/locked.xml"))

        _ = try BilagBinary(path: "/usr/bin/chattr").runTool(["-i", locked])
        XCTAssertTrue(try poll(timeout: 15) { try root.records().contains { $0.invoiceNumber == "LOCKED-1" } }, "claimed once it could be moved")
        let after = try root.bilagSucceeding(["status", "--json"]).jsonObject()
        XCTAssertEqual((after["unclaimable"] as? [Any])?.count, 0, "\(after)")
        daemon.terminate()
        let end = try XCTUnwrap(daemon.wait(timeout: 20))
        XCTAssertEqual(end.exitCode, 0)
        let warnings = (once.stderr + end.stderr).components(separatedBy: "cannot claim a file").count - 1
        XCTAssertEqual(warnings, 2, "one warning per process for the file, not one per pass:\n\(end.stderr.suffix(3000))")
    }

    /// A delivery its sender stopped half-way (`.X.xml`, `X.xml.part`, `X.tmp` left unchanged past
    /// `unfinished_delivery_minutes`) is never taken, but it is listed by `status` with what to do, and warned about once;
    /// it leaves the list when it is written again or removed. Names that are no deliveries (`.gitkeep`, `X.swp`,
    /// `X.lock`) and a partial file still being written are not listed. Before, such a file lay in the Inbox unseen.
    func testADeliveryStoppedHalfWayIsListedInStatus() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", pollIntervalMs: 25)   // the default: listed after 60 minutes
        let hourAgo = Date().addingTimeInterval(-2 * 3600)
        func old(_ path: String) throws { try FileManager.default.setAttributes([.modificationDate: hourAgo], ofItemAtPath: path) }
        let data = template.invoice(number: "HALF-1")
        let hidden = try root.write(data.prefix(300), to: "peppol/.inv-1.xml")
        let part = try root.write(data.prefix(200), to: "peppol/sub/inv-2.xml.part")
        // Unchanged for half an hour: within the 60 minutes a sender may take.
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-1800)], ofItemAtPath: try root.write(data.prefix(200), to: "peppol/inv-5.xml.tmp"))
        for p in [hidden, part, try root.write(Data(), to: "peppol/.gitkeep"), try root.write(Data("x".utf8), to: "peppol/notes.swp"), try root.write(Data(), to: "peppol/sender.lock")] { try old(p) }
        try root.write(data.prefix(100), to: "peppol/inv-3.xml.tmp")   // being written now
        try root.deliver(template.invoice(number: "WHOLE-1"), to: "peppol/inv-4.xml")

        let once = try root.bilag(["run", "--once"], timeout: 30)
        XCTAssertEqual(once.exitCode, 0, "\(once)")
        XCTAssertEqual(once.processed, 1, once.stdout)
        func listed() throws -> [String: String] {
            let status = try root.bilagSucceeding(["status", "--json"]).jsonObject()
            let list = try XCTUnwrap(status["unclaimable"] as? [[String: Any]], "\(status)")
            return Dictionary(uniqueKeysWithValues: list.map { ($0["path"] as? String ?? "", $0["error"] as? String ?? "") })
        }
        let first = try listed()
        XCTAssertEqual(Set(first.keys), ["peppol/.inv-1.xml", "peppol/sub/inv-2.xml.part"])
        for (path, why) in first { XCTAssertTrue(why.contains("unfinished delivery") && why.contains("delivered again"), "\(path): \(why)") }
        let text = try root.bilagSucceeding(["status"]).stdout
        XCTAssertTrue(text.contains("peppol/.inv-1.xml") && text.contains("stopped half-way"), text)
        XCTAssertEqual(once.stderr.components(separatedBy: "an unfinished delivery has lain unchanged").count - 1, 2, once.stderr.suffix(2000).description)
        XCTAssertTrue(FileManager.default.fileExists(atPath: hidden) && FileManager.default.fileExists(atPath: part), "never taken")

        // Written again (its sender resumed) and removed: off the list.
        try data.prefix(400).write(to: URL(fileURLWithPath: hidden))
        try FileManager.default.removeItem(atPath: part)
        let again = try root.bilag(["run", "--once"], timeout: 30)
        XCTAssertEqual(again.exitCode, 0, "\(again)")
        XCTAssertEqual(try listed(), [:])
    }

    /// bilag's own folder it cannot write (here immutable; a full or read-only disk, a wrong owner): the claim fails
    /// on bilag's side, and the listing says so, naming the folder. Before, the error was the Inbox file's own
    /// ("Operation not permitted") and `status` sent the operator to check the Inbox files, which were fine.
    func testAStateFolderBilagCannotWriteIsNamedNotTheInboxFiles() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", pollIntervalMs: 25)
        try root.deliver(template.invoice(number: "S-1"), to: "peppol/s-1.xml")
        try root.bilagSucceeding(["run", "--once"])
        let day = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: root.state + "/originals").first)
        let folder = root.state + "/originals/" + day
        guard try BilagBinary(path: "/usr/bin/chattr").runTool(["+i", folder]) == 0 else { throw XCTSkip("chattr +i is not possible here") }
        defer { _ = try? BilagBinary(path: "/usr/bin/chattr").runTool(["-i", folder]) }
        try root.deliver(template.invoice(number: "S-2"), to: "peppol/s-2.xml")
        _ = try root.bilag(["run", "--once"], timeout: 30)
        let status = try root.bilagSucceeding(["status", "--json"]).jsonObject()
        let error = try XCTUnwrap((status["unclaimable"] as? [[String: Any]])?.first?["error"] as? String, "\(status)")
        XCTAssertTrue(error.contains("bilag cannot write its state folder") && error.contains(folder) && error.contains("the file is fine"), error)
        XCTAssertEqual(root.inboxFiles(), ["peppol/s-2.xml"], "nothing lost: it waits in the Inbox")
        _ = try BilagBinary(path: "/usr/bin/chattr").runTool(["-i", folder])
        try root.bilagSucceeding(["run", "--once"])
        XCTAssertEqual(root.inboxFiles(), [])
        XCTAssertEqual((try root.bilagSucceeding(["status", "--json"]).jsonObject()["unclaimable"] as? [Any])?.count, 0)
    }

    /// Run as an ordinary user (`nobody`), as the daemon is: a file in another user's folder it may not write
    /// (EACCES on rename) and a folder it may not read are skipped with one warning each, listed by `bilag status`,
    /// and every other file is claimed.
    func testAnotherUsersFolderIsSkippedAndListedWhenRunAsAnOrdinaryUser() throws {
        guard getuid() == 0, access("/usr/bin/setpriv", X_OK) == 0 else { throw XCTSkip("needs root and setpriv to run bilag as nobody") }
        let root = try TemporaryRoot()
        try root.configure(readiness: "quiet", intake: ["quiet_period_ms: 100"])
        try root.deliver(template.invoice(number: "OPEN-1"), to: "scanner/open.xml")
        try root.deliver(template.invoice(number: "OTHER-1"), to: "scanner/other/inv.xml")
        try root.deliver(template.invoice(number: "SECRET-1"), to: "scanner/secret/inv.xml")
        for f in ["scanner/open.xml", "scanner/other/inv.xml", "scanner/secret/inv.xml"] {
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: root.inbox + "/" + f)
        }
        // Everything belongs to nobody but two folders, which stay root's: one readable, one not.
        XCTAssertEqual(try BilagBinary(path: "/usr/bin/chown").runTool(["-R", "65534:65534", root.path]), 0)
        XCTAssertEqual(try BilagBinary(path: "/usr/bin/chown").runTool(["-R", "0:0", root.inbox + "/scanner/other", root.inbox + "/scanner/secret"]), 0)
        XCTAssertEqual(chmod(root.inbox + "/scanner/other", 0o755), 0)
        XCTAssertEqual(chmod(root.inbox + "/scanner/secret", 0o700), 0)

        let asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups", root.binary.path]
        let once = try XCTUnwrap(try BilagBinary(path: "/usr/bin/setpriv").start(asNobody + ["run", "--once", "--root", root.path], logDirectory: root.logDirectory).wait(timeout: 30), "run --once did not end")
        XCTAssertEqual(once.exitCode, 0, "\(once)")
        XCTAssertEqual(once.processed, 1, once.stdout)
        XCTAssertEqual(try root.records().map(\.invoiceNumber), ["OPEN-1"])
        XCTAssertEqual(once.stderr.components(separatedBy: "cannot claim a file").count - 1, 1, once.stderr)
        XCTAssertEqual(once.stderr.components(separatedBy: "cannot read a folder").count - 1, 1, once.stderr)
        let status = try root.bilagSucceeding(["status", "--json"]).jsonObject()
        let listed = Dictionary(uniqueKeysWithValues: ((status["unclaimable"] as? [[String: Any]]) ?? []).map { ($0["path"] as? String ?? "", $0["error"] as? String ?? "") })
        XCTAssertEqual(listed, ["scanner/other/inv.xml": String(cString: strerror(EACCES)), "scanner/secret/": String(cString: strerror(EACCES))])

        // The folders are handed over to bilag's user: both files are claimed and the list empties.
        XCTAssertEqual(try BilagBinary(path: "/usr/bin/chown").runTool(["-R", "65534:65534", root.inbox + "/scanner"]), 0)
        let again = try XCTUnwrap(try BilagBinary(path: "/usr/bin/setpriv").start(asNobody + ["run", "--once", "--root", root.path], logDirectory: root.logDirectory).wait(timeout: 30))
        XCTAssertEqual(again.processed, 2, "\(again)")
        XCTAssertEqual(((try root.bilagSucceeding(["status", "--json"]).jsonObject())["unclaimable"] as? [Any])?.count, 0)
    }
}

extension BilagBinary {
    /// Runs another program (a system tool) to its end; its exit code.
    func runTool(_ arguments: [String]) throws -> Int32 {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        guard posix_spawn(&pid, path, nil, nil, argv, environ) == 0 else { throw TestKitError("cannot run \(path)") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
    }
}
