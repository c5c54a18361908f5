import BilagCore
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// The command line as a clerk meets it: a folder that is no bilag root, paging, ambiguous ids, what `run --once`
/// counts, one set of exit codes, and flags that agree with the README.
final class CLITests: XCTestCase {
    /// A processed root with `count` queued invoices.
    func processed(_ count: Int) throws -> TemporaryRoot {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        let template = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
        for i in 1...count { try root.deliver(template.invoice(number: "L-\(i)"), to: "peppol/l-\(i).xml") }
        try root.bilagSucceeding(["run", "--once"])
        return root
    }

    func testReadOnlyCommandsInAFolderThatIsNoBilagRootSaySoAndCreateNothing() throws {
        let root = try TemporaryRoot()   // Inbox/ and Outbox/, but no bilag.yaml and no state
        let before = TemporaryRoot.files(under: root.path).filter { !$0.hasPrefix("logs/") }
        for args in [["status"], ["status", "--json"], ["queue", "list"], ["queue", "show", "2026"], ["invoices", "list"], ["invoices", "list", "--json"],
                     ["decisions", "export", "--from", "2026-01-01", "--to", "2027-01-01"], ["robots", "list"], ["robots", "replay", "x.robot.yaml", "--since", "2026-01-01"],
                     ["queue", "approve", "2026", "--account", "1", "--user", "a"], ["plans", "list"], ["plans", "add", "--id", "P", "--supplier-cvr", "12345674", "--receiver-ean", "5798000000117", "--account", "1", "--valid-from", "2026-01-01", "--valid-to", "2026-12-01"]] {
            let o = try root.bilag(args)
            XCTAssertEqual(o.exitCode, 3, "`bilag \(args.joined(separator: " "))` in a folder that is no bilag root: \(o)")
            XCTAssertTrue(o.stderr.contains("not a bilag root"), o.stderr)
            XCTAssertTrue(o.stderr.contains("bilag.yaml"), "names what is missing: \(o.stderr)")
            XCTAssertFalse(o.stdout.contains("0 invoice"), o.stdout)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.state), "a look created the state folder")
        XCTAssertEqual(TemporaryRoot.files(under: root.path).filter { !$0.hasPrefix("logs/") }, before)

        // With a bilag.yaml but before the first run: nothing there yet, said so, still nothing created; acting on an
        // invoice is a state problem.
        try root.configure()
        let fresh = try root.bilag(["status"])
        XCTAssertEqual(fresh.exitCode, 0, "\(fresh)")
        XCTAssertTrue(fresh.stdout.contains("has not run") && fresh.stdout.contains("bilag run"), fresh.stdout)
        XCTAssertEqual(try root.bilag(["queue", "list", "--json"]).jsonObject()["total"] as? Int, 0)
        let act = try root.bilag(["queue", "approve", "2026", "--account", "1", "--user", "a"])
        XCTAssertEqual(act.exitCode, 4, "\(act)")
        XCTAssertTrue(act.stderr.contains("bilag run"), act.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.state), "a look created the state folder")
        // `run` sets the root up.
        try root.bilagSucceeding(["run", "--once"])
        XCTAssertTrue(try root.bilagSucceeding(["status"]).stdout.contains("0 invoice(s)"))
    }

    func testListsSayHowManyOfHowManyAndHowToPage() throws {
        let root = try processed(7)
        let page = try root.bilagSucceeding(["queue", "list", "--limit", "3"])
        XCTAssertTrue(page.stdout.contains("3 of 7"), page.stdout)
        XCTAssertTrue(page.stdout.contains("--offset 3"), "says how to get the next page: \(page.stdout)")
        let next = try root.bilagSucceeding(["queue", "list", "--limit", "3", "--offset", "6"])
        XCTAssertTrue(next.stdout.contains("1 of 7"), next.stdout)
        let json = try root.bilagSucceeding(["queue", "list", "--limit", "3", "--json"]).jsonObject()
        XCTAssertEqual(json["total"] as? Int, 7)
        XCTAssertEqual((json["invoices"] as? [Any])?.count, 3)
        let invoices = try root.bilagSucceeding(["invoices", "list", "--limit", "5", "--offset", "1"])
        XCTAssertTrue(invoices.stdout.contains("5 of 7"), invoices.stdout)
        let all = try root.bilagSucceeding(["invoices", "list", "--json"]).jsonObject()
        XCTAssertEqual(all["total"] as? Int, 7)
        XCTAssertEqual((all["invoices"] as? [Any])?.count, 7)
    }

    func testAnAmbiguousIdPrefixIsCalledAmbiguousAndNamesTheCandidates() throws {
        let root = try processed(3)
        let ids = try root.records().map(\.id).sorted()
        var prefix = ""
        for c in ids[0] { let p = prefix + String(c); if ids.filter({ $0.hasPrefix(p) }).count < 2 { break }; prefix = p }
        XCTAssertGreaterThanOrEqual(ids.filter { $0.hasPrefix(prefix) }.count, 2)
        for args in [["queue", "show", prefix], ["queue", "approve", prefix, "--account", "1", "--user", "a"], ["queue", "retry", prefix, "--user", "a"]] {
            let o = try root.bilag(args)
            XCTAssertEqual(o.exitCode, 2, "\(o)")
            XCTAssertTrue(o.stderr.contains("ambiguous"), o.stderr)
            XCTAssertFalse(o.stderr.contains("no invoice has the id"), o.stderr)
            for id in ids where id.hasPrefix(prefix) { XCTAssertTrue(o.stderr.contains(id), "names candidate \(id): \(o.stderr)") }
        }
        let unique = try root.bilagSucceeding(["queue", "show", String(ids[0].prefix(prefix.count + 4)), "--json"]).jsonObject()
        XCTAssertNotNil(unique["record"])
    }

    func testRunOncePrintsThisRunsCountsAndLabelsTotals() throws {
        let root = try processed(3)
        let template = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
        try root.deliver(template.invoice(number: "M-1"), to: "peppol/m-1.xml")
        try root.deliver(Data("<Invoice><broken".utf8), to: "peppol/m-2.xml")
        let o = try root.bilagSucceeding(["run", "--once"])
        XCTAssertTrue(o.stdout.contains("processed 2 file(s)"), o.stdout)
        XCTAssertTrue(o.stdout.contains("manual: 1"), "this run's outcomes: \(o.stdout)")
        XCTAssertTrue(o.stdout.contains("quarantined: 1"), o.stdout)
        XCTAssertFalse(o.stdout.contains("manual: 4"), "cumulative counts shown as this run's: \(o.stdout)")
        XCTAssertTrue(o.stdout.contains("totals") && o.stdout.contains("manual 4"), "totals labelled as totals: \(o.stdout)")
    }

    func testOneDocumentedSetOfExitCodes() throws {
        let root = try processed(1)
        let id = try XCTUnwrap(try root.records().first?.id)
        // 1: usage.
        let usage = try root.bilag(["status", "--no-such-flag"])
        XCTAssertEqual(usage.exitCode, 1, "\(usage)")
        // 2: operator errors, with what to do and without the usage text.
        for args in [["queue", "show", "19990101-000000-000000-pxxxx"], ["queue", "reject", id, "--code", "because", "--user", "a"],
                     ["queue", "approve", id, "--account", "1", "--dim", "nodim", "--user", "a"], ["invoices", "list", "--state", "lost"]] {
            let o = try root.bilag(args)
            XCTAssertEqual(o.exitCode, 2, "\(o)")
            XCTAssertTrue(o.stderr.contains("what to do:"), o.stderr)
            XCTAssertFalse(o.stderr.contains("Usage:") || o.stderr.contains("USAGE:"), "operator error printed as usage: \(o.stderr)")
        }
        // 3: configuration.
        try root.writeConfig("intake:\n  readines: rename\n")
        let config = try root.bilag(["status"])
        XCTAssertEqual(config.exitCode, 3, "\(config)")
        XCTAssertTrue(config.stderr.contains("readines"), config.stderr)
        try root.configure()
        // 4: state — a damaged database is to be restored or rebuilt, not "check the disk".
        try root.bilagSucceeding(["status"])
        for name in (try FileManager.default.contentsOfDirectory(atPath: root.state)) where name.hasPrefix("bilag.sqlite") { try FileManager.default.removeItem(atPath: root.state + "/" + name) }
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: root.databasePath))
        let corrupt = try root.bilag(["status"])
        XCTAssertEqual(corrupt.exitCode, 4, "\(corrupt)")
        XCTAssertTrue(corrupt.stderr.contains("backup") && corrupt.stderr.contains("bilag store rebuild"), corrupt.stderr)
        XCTAssertFalse(corrupt.stderr.contains("check the disk") || corrupt.stderr.contains("disk has room"), corrupt.stderr)
        // Damaged behind a readable first page (the header opens, the pages after it do not): the same advice.
        let again = try processed(2)
        let db = try FileHandle(forUpdating: URL(fileURLWithPath: again.databasePath))
        let size = try db.seekToEnd()
        try db.seek(toOffset: 4096)
        try db.write(contentsOf: Data(repeating: 0x5A, count: Int(size) - 4096))
        try db.close()
        for args in [["status"], ["queue", "list"], ["invoices", "list", "--json"]] {
            let o = try again.bilag(args)
            XCTAssertEqual(o.exitCode, 4, "\(o)")
            XCTAssertTrue(o.stderr.contains("damaged") && o.stderr.contains("backup") && o.stderr.contains("bilag store rebuild"), o.stderr)
        }
        // The codes are documented where a user looks.
        let help = try root.binary.run(["--help"], logDirectory: root.logDirectory)
        XCTAssertEqual(help.exitCode, 0)
        XCTAssertTrue(help.stdout.contains("Exit codes"), help.stdout)
        let readme = try String(contentsOfFile: Corpus.packageRoot + "/README.md", encoding: .utf8)
        XCTAssertTrue(readme.contains("Exit codes"), "README documents the exit codes")
    }

    /// Every global flag the README names exists; `invoices list --state` stays the invoice-state filter.
    func testTheReadmesFlagsExist() throws {
        let root = try processed(1)
        let readme = try String(contentsOfFile: Corpus.packageRoot + "/README.md", encoding: .utf8)
        let sentence = try XCTUnwrap(readme.range(of: "flags (")).upperBound
        let list = readme[sentence...].prefix { $0 != ")" }
        let flags = list.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " `")) }
        XCTAssertTrue(flags.contains("--root") && flags.count >= 3, "\(flags)")
        for flag in flags {
            let value = flag == "--config" ? root.configPath : flag == "--root" ? root.path : root.state
            let o = try root.binary.run(["status", "--root", root.path] + (flag == "--root" ? [] : [flag, value]), logDirectory: root.logDirectory)
            XCTAssertEqual(o.exitCode, 0, "README names \(flag): \(o)")
        }
        // `--state` and `--state-dir` both name the state folder; in `invoices list` `--state` is the invoice-state filter.
        let elsewhere = root.path + "/other-state"
        for flag in ["--state", "--state-dir"] {
            let empty = try root.bilag(["status", "--json", flag, elsewhere])
            XCTAssertEqual(empty.exitCode, 0, "\(empty)")
            XCTAssertEqual(try empty.jsonObject()["total"] as? Int, 0, "\(flag) chose the state folder")
            XCTAssertEqual(try root.bilagSucceeding(["status", "--json", flag, root.state]).jsonObject()["total"] as? Int, 1)
        }
        XCTAssertEqual(try root.bilagSucceeding(["status", "--json", "--state=" + root.state]).jsonObject()["total"] as? Int, 1)
        XCTAssertEqual(try root.bilagSucceeding(["invoices", "list", "--state", "manual", "--json"]).jsonObject()["total"] as? Int, 1)
        XCTAssertEqual(try root.bilagSucceeding(["invoices", "list", "--state", "booked", "--state-dir", root.state, "--json"]).jsonObject()["total"] as? Int, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: elsewhere), "a look at another state folder created it")
    }
}
