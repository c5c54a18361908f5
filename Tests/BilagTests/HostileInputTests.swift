import BilagIntake
import BilagStore
import BilagTestKit
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Hostile and broken files mixed with good invoices, through the real binary: every bad file ends quarantined with
/// its own reason code and its original kept byte for byte, nothing an attacker points at leaks anywhere, and the
/// good invoices are all processed.
final class HostileInputTests: XCTestCase {
    static let hugeBytes: Int64 = 200 * 1024 * 1024

    /// A bad file, where it is delivered and the reason code(s) it must be quarantined with.
    struct Bad {
        var path: String
        var data: Data?          // nil for the huge file, which is made sparse on disk
        var codes: Set<String>
    }

    static let ubl = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"

    /// The hostile files, each with the one clear reason it must get.
    static func hostileFiles() throws -> [Bad] {
        var rng = SeededGenerator(seed: 42)
        var junk = (0..<8192).map { _ in UInt8.random(in: 0...255, using: &rng) }
        junk[0] = 0x00 // binary from the first byte
        var latin1 = Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Invoice xmlns=\"\(ubl)\"><Note>K".utf8)
        latin1.append(contentsOf: [0xF8, 0x62, 0x65, 0x6E, 0x68, 0x61, 0x76, 0x6E, 0x20, 0xE6, 0xF8, 0xE5]) // "København æøå" in Latin-1
        latin1.append(Data("</Note></Invoice>\n".utf8))
        var latin1Undeclared = Data("<Invoice xmlns=\"\(ubl)\"><Note>".utf8)
        latin1Undeclared.append(contentsOf: [0x4B, 0xF8, 0x67, 0x65]) // "Køge" in Latin-1
        latin1Undeclared.append(Data("</Note></Invoice>".utf8))
        let good = try Corpus.data("peppol-bis3/examples/base-example.xml")
        func utf16(_ s: String, bigEndian: Bool = false) -> Data {
            var d = Data(bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE])
            d.append(s.data(using: bigEndian ? .utf16BigEndian : .utf16LittleEndian)!)
            return d
        }
        let laughs = "<!ENTITY lol \"lol\">" + (1...9).map { i in "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i == 1 ? "" : String(i - 1));", count: 10) + "\">" }.joined()
        return [
            Bad(path: "peppol/malformed.xml", data: Data("<?xml version=\"1.0\"?>\n<Invoice xmlns=\"\(ubl)\"><cbc:ID>1</Invoice>".utf8), codes: ["malformed-xml"]),
            Bad(path: "peppol/truncated-invoice.xml", data: good.prefix(good.count / 2), codes: ["malformed-xml"]),
            Bad(path: "peppol/order.xml", data: Data("<?xml version=\"1.0\"?>\n<Order xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Order-2\"><ID>PO-1</ID></Order>".utf8), codes: ["not-an-invoice"]),
            Bad(path: "peppol/random.xml", data: Data("<?xml version=\"1.0\"?>\n<catalog><book id=\"1\">XML, but no invoice</book></catalog>".utf8), codes: ["not-an-invoice"]),
            Bad(path: "peppol/xxe.xml", data: Data("<?xml version=\"1.0\"?>\n<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<Invoice xmlns=\"\(ubl)\"><Note>&xxe;</Note></Invoice>".utf8), codes: ["dtd-forbidden"]),
            Bad(path: "peppol/xxe-parameter-entity.xml", data: Data("<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>\n<Invoice xmlns=\"\(ubl)\"/>".utf8), codes: ["dtd-forbidden"]),
            Bad(path: "peppol/xxe-utf16.xml", data: utf16("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<Invoice xmlns=\"\(ubl)\"><Note>&xxe;</Note></Invoice>"), codes: ["dtd-forbidden"]),
            Bad(path: "peppol/billion-laughs.xml", data: Data("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\(laughs)]>\n<lolz>&lol9;</lolz>".utf8), codes: ["dtd-forbidden"]),
            // UTF-16 is handed to libxml2 without the prolog check; its own entity-loop guard must refuse it.
            Bad(path: "peppol/billion-laughs-utf16.xml", data: utf16("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<!DOCTYPE lolz [\(laughs)]>\n<lolz>&lol9;</lolz>", bigEndian: true), codes: ["dtd-forbidden", "entity-abuse"]),
            Bad(path: "peppol/undeclared-entity.xml", data: Data("<?xml version=\"1.0\"?>\n<Invoice xmlns=\"\(ubl)\"><Note>&xxe;</Note></Invoice>".utf8), codes: ["entity-abuse"]),
            Bad(path: "peppol/empty.xml", data: Data(), codes: ["empty-file"]),
            Bad(path: "peppol/whitespace-only.xml", data: Data(" \n\t\n".utf8), codes: ["not-xml"]),
            Bad(path: "peppol/junk.bin", data: Data(junk), codes: ["not-xml"]),
            Bad(path: "peppol/scan.pdf", data: Data("%PDF-1.4\n%\u{e2}\u{e3}\n1 0 obj << /Type /Catalog >> endobj\n".utf8), codes: ["not-xml"]),
            Bad(path: "peppol/latin1-declared-utf8.xml", data: latin1, codes: ["encoding-error"]),
            Bad(path: "peppol/latin1-undeclared.xml", data: latin1Undeclared, codes: ["encoding-error"]),
            Bad(path: "peppol/declared-utf16-holds-utf8.xml", data: Data("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<Invoice xmlns=\"\(ubl)\"><Note>abc</Note></Invoice>".utf8), codes: ["encoding-error"]),
            Bad(path: "oioubl/nested/deeper/huge.xml", data: nil, codes: ["too-large"]),
        ]
    }

    /// The good invoices, delivered next to the bad ones.
    static func goodFiles() throws -> [(path: String, data: Data)] {
        try Corpus.goodInvoices.map { rel in
            let channel = rel.hasPrefix("oioubl") ? "oioubl" : "peppol"
            return ("\(channel)/good-\((rel as NSString).lastPathComponent)", try Corpus.data(rel))
        }
    }

    /// A 200 MiB file made in an instant: an XML prefix, then a hole (`ftruncate`), written outside the Inbox.
    static func makeHugeFile(at path: String) throws {
        let prefix = "<?xml version=\"1.0\"?>\n<Invoice xmlns=\"\(ubl)\"><cbc:Note>"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw TestKitError("cannot create \(path)") }
        defer { close(fd) }
        _ = prefix.withCString { write(fd, $0, strlen($0)) }
        guard ftruncate(fd, off_t(hugeBytes)) == 0 else { throw TestKitError("ftruncate failed") }
    }

    /// A line of /etc/passwd that must never surface (the XXE target).
    static var passwdNeedles: [String] {
        var needles = ["root:x:0:0", "/bin/bash", "/usr/sbin/nologin"]
        if let text = try? String(contentsOfFile: "/etc/passwd", encoding: .utf8), let first = text.split(separator: "\n").first { needles.append(String(first)) }
        return needles
    }

    /// Delivers every bad and good file; returns the expected sha256 of each delivered path.
    func deliverAll(_ root: TemporaryRoot, bad: [Bad], good: [(path: String, data: Data)], hugeStaging: String) throws -> [String: String] {
        var hashes: [String: String] = [:]
        // Interleaved, so good and bad files share batches.
        var queue: [(String, Data?)] = []
        for i in 0..<max(bad.count, good.count) {
            if i < bad.count { queue.append((bad[i].path, bad[i].data)) }
            if i < good.count { queue.append((good[i].path, good[i].data)) }
        }
        for (path, data) in queue {
            if let data {
                try root.deliver(data, to: path)
                hashes[path] = ContentHash.sha256(data)
            } else {
                // The huge file: made outside the Inbox, then renamed in (same file system), as a sender would.
                let target = root.inbox + "/" + path
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                XCTAssertEqual(rename(hugeStaging, target), 0)
                hashes[path] = ContentHash.sha256(file: target)!.0
            }
        }
        return hashes
    }

    /// The assertions both tests share: one record per file, the right outcome and code, originals intact, no leak.
    func checkOutcome(_ root: TemporaryRoot, bad: [Bad], good: [(path: String, data: Data)], hashes: [String: String], outputs: [String]) throws {
        XCTAssertEqual(root.inboxFiles(), [], "every file must have been claimed")
        let records = try root.records()
        let bySource = Dictionary(grouping: records, by: \.sourcePath)
        XCTAssertEqual(records.count, bad.count + good.count, "one record per delivered file")
        for (path, recs) in bySource where recs.count != 1 { XCTFail("\(path) has \(recs.count) records") }

        for b in bad {
            guard let r = bySource[b.path]?.first else { XCTFail("\(b.path) was not recorded"); continue }
            XCTAssertEqual(r.state, .quarantined, "\(b.path) must be quarantined, is \(r.state) (\(r.reasonCode ?? "-"))")
            XCTAssertTrue(b.codes.contains(r.reasonCode ?? ""), "\(b.path): reason \(r.reasonCode ?? "nil") (\(r.reasonMessage ?? "")), expected \(b.codes.sorted())")
            XCTAssertFalse((r.reasonMessage ?? "").isEmpty, "\(b.path) has no reason message")
            // A file over the size limit is refused on its size, unread and unhashed.
            XCTAssertEqual(r.sha256, b.data == nil ? "" : hashes[b.path] ?? "?", "\(b.path): recorded hash")
            let original = root.originalPath(of: r)
            if let data = b.data {
                XCTAssertEqual(FileManager.default.contents(atPath: original), data, "\(b.path): the kept original must be byte-identical")
            } else {
                var st = stat()
                XCTAssertEqual(stat(original, &st), 0)
                XCTAssertEqual(Int64(st.st_size), Self.hugeBytes, "the huge original keeps its size")
                XCTAssertEqual(r.size, Self.hugeBytes)
                XCTAssertEqual(ContentHash.sha256(file: original)?.0, hashes[b.path], "the huge original is unchanged")
            }
        }
        for g in good {
            guard let r = bySource[g.path]?.first else { XCTFail("\(g.path) was not recorded"); continue }
            XCTAssertTrue([.manual, .booked].contains(r.state), "\(g.path) is a good invoice but ended \(r.state) (\(r.reasonCode ?? "-"): \(r.reasonMessage ?? ""))")
            XCTAssertNotNil(r.invoiceNumber, "\(g.path) was parsed")
            XCTAssertEqual(FileManager.default.contents(atPath: root.originalPath(of: r)), g.data)
        }

        // Status agrees with the records.
        let status = try root.bilagSucceeding(["status", "--json"]).jsonObject()
        XCTAssertEqual(status["total"] as? Int, bad.count + good.count)
        let quarantined = (status["by_reason"] as? [String: Any])?["quarantined"] as? [String: Int] ?? [:]
        XCTAssertEqual(quarantined.values.reduce(0, +), bad.count, "status: \(status)")
        XCTAssertNil((status["by_state"] as? [String: Any])?["received"], "nothing may be left undecided")

        // The XXE target's content appears nowhere: not in the database, the logs, the Outbox or the CLI's output.
        var places: [(String, Data)] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root.state)) ?? [] where name.hasPrefix("bilag.sqlite") || name == "claims.log" {
            places.append((name, FileManager.default.contents(atPath: root.state + "/" + name) ?? Data()))
        }
        for rel in TemporaryRoot.files(under: root.outbox) { places.append(("Outbox/" + rel, FileManager.default.contents(atPath: root.outbox + "/" + rel) ?? Data())) }
        let shows = try records.filter { $0.sourcePath.contains("xxe") }.map { try root.bilag(["queue", "show", $0.id, "--json", "--reveal", "--purpose", "test", "--user", "auditor"]).stdout }
        XCTAssertEqual(shows.count, 3)
        let quarantineList = try root.bilagSucceeding(["queue", "list", "--quarantined", "--json"]).stdout
        for (i, text) in (outputs + shows + [quarantineList, root.allProcessOutput()]).enumerated() { places.append(("output \(i)", Data(text.utf8))) }
        for needle in Self.passwdNeedles {
            for (name, data) in places where data.range(of: Data(needle.utf8)) != nil {
                XCTFail("/etc/passwd content \(needle.debugDescription) leaked into \(name)")
            }
        }
    }

    /// `bilag run --once` over hostile files mixed with good ones.
    func testRunOnceQuarantinesEveryHostileFileAndProcessesTheGoodOnes() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename") // the default 50 MB size limit stays
        let bad = try Self.hostileFiles()
        let good = try Self.goodFiles()
        let staging = root.path + "/huge.staging"
        try Self.makeHugeFile(at: staging)
        let hashes = try deliverAll(root, bad: bad, good: good, hugeStaging: staging)

        let run = try root.bilag(["run", "--once"], timeout: 120)
        XCTAssertEqual(run.exitCode, 0, "\(run)")
        XCTAssertTrue(run.stdout.contains("processed \(bad.count + good.count) file(s)"), run.stdout)
        // The 200 MiB file was hashed in pieces, never read whole: the process stayed far below its size.
        XCTAssertLessThan(run.maxResidentKB, 120 * 1024, "bilag run --once peaked at \(run.maxResidentKB) KiB with a 200 MiB file in the Inbox")
        try checkOutcome(root, bad: bad, good: good, hashes: hashes, outputs: [run.stdout, run.stderr])
    }

    /// The daemon running while hostile and good files are dropped in, in waves; then SIGTERM ends it with 0.
    func testDaemonQuarantinesHostileFilesDroppedWhileRunningAndStopsCleanlyOnSIGTERM() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", pollIntervalMs: 25)
        let bad = try Self.hostileFiles()
        let good = try Self.goodFiles()
        let staging = root.path + "/huge.staging"
        try Self.makeHugeFile(at: staging)

        let daemon = try root.startDaemon()
        defer { daemon.kill() }
        // Three waves, each a mix, with the daemon polling in between.
        let waves = 3
        var hashes: [String: String] = [:]
        for w in 0..<waves {
            let b = bad.enumerated().filter { $0.offset % waves == w }.map(\.element)
            let g = good.enumerated().filter { $0.offset % waves == w }.map(\.element)
            hashes.merge(try deliverAll(root, bad: b, good: g, hugeStaging: staging)) { a, _ in a }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let total = bad.count + good.count
        let done = try poll(timeout: 60, interval: 0.05) {
            guard root.inboxFiles().isEmpty, FileManager.default.fileExists(atPath: root.databasePath) else { return false }
            let records = try root.records()
            return records.count == total && !records.contains { $0.state == .received }
        }
        XCTAssertTrue(done, "the daemon did not process all \(total) files in time; stderr:\n\(daemon.stderrText().suffix(3000))")
        XCTAssertTrue(daemon.isRunning, "the daemon must survive hostile input")
        if let peak = daemon.peakResidentKB() {
            XCTAssertLessThan(peak, 120 * 1024, "the daemon peaked at \(peak) KiB with a 200 MiB file in the Inbox")
        }

        daemon.terminate()
        guard let end = daemon.wait(timeout: 20) else { return XCTFail("the daemon did not stop within 20 s of SIGTERM") }
        XCTAssertEqual(end.exitCode, 0, "SIGTERM must end the daemon with exit code 0: \(end)")
        XCTAssertNil(end.signal)
        XCTAssertTrue(end.stderr.contains("bilag stopped"), end.stderr)
        // Every log line is one JSON object.
        for line in end.stderr.split(separator: "\n") {
            XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "log line is no JSON object: \(line)")
        }
        XCTAssertEqual(end.stderr.components(separatedBy: "\"event\":\"quarantined\"").count - 1, bad.count, "one warning per quarantined file")
        try checkOutcome(root, bad: bad, good: good, hashes: hashes, outputs: [end.stdout, end.stderr])
    }
}
