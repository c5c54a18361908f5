import BilagCore
import BilagTestKit
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A channel folder that is a symbolic link (`Inbox/peppol -> /srv/sftp/peppol`, an SFTP drop), through the real
/// binary: walked like any channel, never moved or quarantined.
final class InboxLinkTests: XCTestCase {
    let template = try! InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")

    /// The Inbox entries `status --json` lists as unclaimable: path → error.
    static func unclaimable(_ root: TemporaryRoot) throws -> [String: String] {
        let list = (try root.bilagSucceeding(["status", "--json"]).jsonObject()["unclaimable"] as? [[String: Any]]) ?? []
        return Dictionary(uniqueKeysWithValues: list.map { ($0["path"] as? String ?? "", $0["error"] as? String ?? "") })
    }

    /// Files in a linked channel are claimed as that channel's, by the daemon too as they arrive; the link stays. A
    /// channel's link to a folder that is gone (a mount that is down), or to the root that holds the state folder and
    /// the Outbox, is left where it is and listed, never moved.
    func testALinkedChannelFolderIsWalkedAndTheLinkStays() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        let drop = root.path + "/sftp/peppol"
        try FileManager.default.createDirectory(atPath: drop + "/sub", withIntermediateDirectories: true)
        try template.invoice(number: "LINKED-1").write(to: URL(fileURLWithPath: drop + "/one.xml"))
        try template.invoice(number: "LINKED-2").write(to: URL(fileURLWithPath: drop + "/sub/two.xml"))
        XCTAssertEqual(symlink(drop, root.inbox + "/peppol"), 0)
        XCTAssertEqual(symlink(root.path + "/mounted-later", root.inbox + "/nemhandel"), 0)
        XCTAssertEqual(symlink(root.path, root.inbox + "/everything"), 0)

        let run = try root.bilag(["run", "--once"], timeout: 30)
        XCTAssertEqual(run.exitCode, 0, "\(run)")
        XCTAssertEqual(run.processed, 2, run.stdout)
        let records = try root.records()
        XCTAssertEqual(Set(records.map(\.sourcePath)), ["peppol/one.xml", "peppol/sub/two.xml"])
        XCTAssertEqual(Set(records.map(\.channel)), ["peppol"])
        XCTAssertEqual(Set(records.compactMap(\.invoiceNumber)), ["LINKED-1", "LINKED-2"])
        XCTAssertFalse(records.contains { $0.state == .quarantined })
        for link in ["peppol", "nemhandel", "everything"] {
            XCTAssertEqual(EntryKind.of(root.inbox + "/" + link), .symlink, "\(link) must stay in the Inbox")
        }
        XCTAssertEqual(TemporaryRoot.files(under: drop), [])
        let listed = try Self.unclaimable(root)
        XCTAssertEqual(Set(listed.keys), ["nemhandel/", "everything/"], "\(listed)")
        XCTAssertTrue(listed["everything/"]?.contains("holds or lies in bilag's own") ?? false, "\(listed)")

        // The daemon sees later deliveries into the drop, and the channel whose folder appears.
        let daemon = try root.startDaemon()
        defer { daemon.kill() }
        try template.invoice(number: "LINKED-3").write(to: URL(fileURLWithPath: drop + "/three.xml"))
        try FileManager.default.createDirectory(atPath: root.path + "/mounted-later", withIntermediateDirectories: true)
        try template.invoice(number: "MOUNTED-1").write(to: URL(fileURLWithPath: root.path + "/mounted-later/m.xml"))
        XCTAssertTrue(try poll(timeout: 15) { Set(try root.records().compactMap(\.invoiceNumber)) == ["LINKED-1", "LINKED-2", "LINKED-3", "MOUNTED-1"] },
                      "later deliveries were never claimed")
        XCTAssertEqual(try root.records().first { $0.invoiceNumber == "MOUNTED-1" }?.channel, "nemhandel")
        XCTAssertEqual(Set(try Self.unclaimable(root).keys), ["everything/"])
        daemon.terminate()
        XCTAssertEqual(try XCTUnwrap(daemon.wait(timeout: 20)).exitCode, 0)
        XCTAssertEqual(EntryKind.of(root.inbox + "/peppol"), .symlink)
    }

    /// A linked channel on another file system than the state folder: a claim is an atomic rename, which cannot
    /// cross file systems, so each file stays where it is and is listed saying so (as any file bilag cannot move).
    func testAFileInALinkedChannelOnAnotherFileSystemIsListedNotLost() throws {
        let other = "/dev/shm"
        var a = stat(), b = stat()
        let root = try TemporaryRoot()
        guard stat(other, &a) == 0, stat(root.path, &b) == 0, a.st_dev != b.st_dev, access(other, W_OK) == 0 else {
            throw XCTSkip("needs \(other) on a file system of its own")
        }
        let drop = other + "/bilag-test-drop-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: drop, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: drop) }
        try root.configure(readiness: "rename")
        try template.invoice(number: "FAR-1").write(to: URL(fileURLWithPath: drop + "/far.xml"))
        XCTAssertEqual(symlink(drop, root.inbox + "/peppol"), 0)

        let run = try root.bilag(["run", "--once"], timeout: 30)
        XCTAssertEqual(run.exitCode, 0, "\(run)")
        XCTAssertEqual(run.processed, 0, run.stdout)
        XCTAssertEqual(TemporaryRoot.files(under: drop), ["far.xml"])
        XCTAssertEqual(EntryKind.of(root.inbox + "/peppol"), .symlink)
        let listed = try Self.unclaimable(root)
        XCTAssertTrue(listed["peppol/far.xml"]?.contains("another file system") ?? false, "\(listed)")
    }
}
