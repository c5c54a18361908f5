import BilagCore
@testable import BilagIntake
import BilagTestKit
import Foundation
import XCTest

/// `claims.log` after a crash: a torn last record is ignored, names come back exactly.
final class IntentLogTests: XCTestCase {
    let template = try! InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")

    /// A name with a backslash before an `n`, a newline and backslashes, and a torn record after it whose stored path
    /// was cut at a folder that exists (the disk filled mid-append), as the earlier format wrote them: the real
    /// binary records the one claim, under its exact name, and no phantom.
    func testATornLastRecordIsIgnoredAndANameWithNewlinesAndBackslashesComesBackExactly() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        let name = "peppol/a\\nb\nc\\\\d\te.xml"
        let id = "20261203-120000-000001-p0001"
        let day = root.state + "/originals/2026-12-03"
        try FileManager.default.createDirectory(atPath: day, withIntermediateDirectories: true)
        try template.invoice(number: "TORN-1").write(to: URL(fileURLWithPath: day + "/\(id).xml"))
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\n", with: "\\n")
        let log = "\(id)\tpeppol\t\(escaped)\t2026-12-03T12:00:00.000Z\toriginals/2026-12-03/\(id).xml\n"
            + "20261203-120000-000002-p0001\tpeppol\tpeppol/other.xml\t2026-12-03T12:00:00.000Z\toriginals/2026-12-03"
        try Data(log.utf8).write(to: URL(fileURLWithPath: root.state + "/claims.log"))

        let run = try root.bilag(["run", "--once"], timeout: 30)
        XCTAssertEqual(run.exitCode, 0, "\(run)")
        let records = try root.records()
        XCTAssertEqual(records.count, 1, "a torn record made a phantom: \(records.map { ($0.sourcePath, $0.reasonCode) })")
        XCTAssertEqual(records.first?.sourcePath, name)
        XCTAssertEqual(records.first?.invoiceNumber, "TORN-1")
        XCTAssertEqual(records.first?.state, .manual)
    }

    /// Records as written now: any name round-trips; a record cut anywhere, or with a byte changed, is not read;
    /// the next append starts on a line of its own after a torn one.
    func testRecordsRoundTripAndTornOrDamagedOnesAreIgnored() throws {
        let names = ["plain.xml", "a\\nb", "\\\\n", "x\ny", "tab\there", "cr\rlf\n", "\\", "ends\\", "æøå \\t", "\\\\\\n\n"]
        for n in names {
            let f = ClaimedFile(id: "20261203-120000-000001-p0001", channel: "peppol", sourcePath: n, storedPath: "originals/2026-12-03/x.xml", receivedAt: "t")
            let line = Data(IntentLog.line(f).utf8)
            XCTAssertEqual(IntentLog.records(line).first?.sourcePath, n, n.debugDescription)
            for cut in 1..<line.count { XCTAssertEqual(IntentLog.records(line.prefix(cut)).count, 0, "cut at \(cut) of \(n.debugDescription)") }
            var damaged = line
            damaged[line.count - 3] ^= 0x01
            XCTAssertEqual(IntentLog.records(damaged).count, 0)
        }
        let dir = NSTemporaryDirectory() + "bilag-intent-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let claimer = try Claimer(stateDirectory: dir, maxFileBytes: 1 << 20)
        let a = ClaimedFile(id: "20261203-120000-000001-p0001", channel: "c", sourcePath: "a", storedPath: "originals/2026-12-03/a", receivedAt: "t")
        let b = ClaimedFile(id: "20261203-120000-000002-p0001", channel: "c", sourcePath: "b", storedPath: "originals/2026-12-03/b", receivedAt: "t")
        let torn = IntentLog.line(a).dropLast(4)
        try claimer.appendLog(String(torn))
        try claimer.appendLog(IntentLog.line(b))
        let data = try XCTUnwrap(FileIO.read(dir + "/claims.log"))
        XCTAssertEqual(IntentLog.records(data).map(\.sourcePath), ["b"])
    }

    /// A record is `C1 `, the CRC-32 of its body in eight lowercase hex digits (leading zeros written), a space, the
    /// body (the five fields, tab-separated, the name escaped) and a newline.
    func testARecordIsItsChecksumThenItsFields() {
        var leadingZero = 0
        for i in 0..<200 {
            let name = ["plain.xml", "tab\there\\ and a\nnewline", "æøå/Lægeerklæring \(i).xml"][i % 3]
            let f = ClaimedFile(id: "20261203-120000-\(String(i).leftPadded(6))-p0001", channel: "peppol", sourcePath: name,
                                storedPath: "originals/2026-12-03/\(i).xml", receivedAt: "2026-12-03T12:00:00.000Z")
            let body = [f.id, f.channel, IntentLog.escape(name), f.receivedAt, f.storedPath].joined(separator: "\t")
            let sum = String(CRC32.checksum(Array(body.utf8)), radix: 16)
            if sum.count < 8 { leadingZero += 1 }
            XCTAssertEqual(IntentLog.line(f), "C1 " + String(repeating: "0", count: 8 - sum.count) + sum + " " + body + "\n", name)
            XCTAssertEqual(IntentLog.records(Data(IntentLog.line(f).utf8)).first?.sourcePath, name)
        }
        XCTAssertGreaterThan(leadingZero, 0, "some checksum had a leading zero")
    }

    /// Claim ids written once a second and then per claim name the second they were made in, its microsecond and the
    /// generator's salt: the same text as the date and time of that instant.
    func testClaimIDsNameTheirSecondAndMicrosecond() {
        let g = ClaimIDGenerator()
        let t = Date(timeIntervalSince1970: 1_795_420_000.5)   // a half: exact in binary, at every second after it too
        let ids = [g.next(now: t), g.next(now: t), g.next(now: t.addingTimeInterval(1)), g.next(now: t.addingTimeInterval(86_400 * 40))]
        let salt = String(ids[0].suffix(5))
        let stamp = { (d: Date) -> String in
            let ts = Timestamp.string(d)
            return ts.prefix(4) + ts.dropFirst(5).prefix(2) + ts.dropFirst(8).prefix(2) + "-" + ts.dropFirst(11).prefix(2) + ts.dropFirst(14).prefix(2) + ts.dropFirst(17).prefix(2)
        }
        XCTAssertEqual(ids[0], stamp(t) + "-500000-" + salt)
        XCTAssertEqual(ids[1], stamp(t) + "-500001-" + salt)
        XCTAssertEqual(ids[2], stamp(t.addingTimeInterval(1)) + "-500000-" + salt)
        XCTAssertEqual(ids[3], stamp(t.addingTimeInterval(86_400 * 40)) + "-500000-" + salt)
        XCTAssertEqual(ClaimIDGenerator.dayFolder(of: ids[3]), "2027-01-02")
    }
}
