import BilagCore
import BilagOutbox
import BilagStore
import BilagTestKit
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The real binary, killed with -9 while the daemon's Outbox service and operators' approvals write payment files:
/// afterwards every approved invoice is in exactly one payment file, each file is valid against the official XSD with
/// its counts and control sums right, no payment is missing or twice, and `bilag report day` reconciles.
final class PaymentCrashTests: XCTestCase {
    typealias F = PaymentFixtures

    func testKillNineWhilePaymentFilesAreWrittenPaysEveryInvoiceExactlyOnce() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config(extra: ["max_entries_per_file: 3"]))
        let count = 30
        for i in 1...count {
            try root.deliver(F.document("P-\(i)", supplier: "DK11111111", means: F.iban("DK5000400440116243", paymentID: "RF18539007547034")), to: "peppol/p-\(String(format: "%03d", i)).xml")
        }
        try root.bilagSucceeding(["run", "--once"])
        let queued = try Store(path: root.databasePath).invoices(state: .manual, limit: 100).map(\.id)
        XCTAssertEqual(queued.count, count, "no robot: every invoice waits for an operator")
        var rng = SeededGenerator()
        let (kills, open) = try root.approveUnderKills(queued, rng: &rng)
        XCTAssertGreaterThan(kills, 5)
        // Undisturbed: the last approvals, then a run that finishes what the kills left pending, and one more that
        // must change nothing.
        for id in open { try root.bilagSucceeding(TemporaryRoot.approval(id)) }
        try root.bilagSucceeding(["run", "--once"])
        let filesBefore = try FileManager.default.contentsOfDirectory(atPath: root.outbox + "/bank").filter { $0.hasSuffix(".xml") }.sorted()
        try root.bilagSucceeding(["run", "--once"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.outbox + "/bank").filter { $0.hasSuffix(".xml") }.sorted(), filesBefore, "a re-run writes nothing")

        let store = try Store(path: root.databasePath)
        let booked = try store.invoices(state: .booked, limit: 100)
        XCTAssertEqual(booked.count, count)
        let paid = try F.checkedPayments(outbox: root.outbox)
        XCTAssertEqual(Set(paid.keys), Set(booked.map(\.id)), "every booked invoice in exactly one payment file (seed \(rng.seed))")
        for b in booked { XCTAssertEqual(paid[b.id]?.amount, Amount(parsing: b.amountDue ?? "")?.rounded(2), b.id) }
        XCTAssertEqual(((try? FileManager.default.contentsOfDirectory(atPath: root.outbox + "/manifests/bank")) ?? []).filter { $0.hasPrefix(".pending-") }, [])
        XCTAssertTrue(try store.paymentFiles("bank").allSatisfy { $0.state == "written" })

        // The day's report: all paid, nothing waiting, the payment files reconcile with the store.
        let today = BankCalendar(country: "DK")!.today(Date()).description   // the report's day is the local one
        let report = try root.bilag(["report", "day", today, "--json"]).jsonObject()
        XCTAssertEqual(report["ok"] as? Bool, true, "\(report)")
        let payments = try XCTUnwrap(report["payments"] as? [String: Any])
        XCTAssertEqual(payments["in_files"] as? Int, count)
        XCTAssertEqual(payments["filed"] as? Int, count)
        XCTAssertEqual(payments["paid_count"] as? Int, count)
        XCTAssertEqual(payments["waiting_count"] as? Int, 0)
        let text = try root.bilag(["report", "day", today])
        XCTAssertTrue(text.stdout.contains("paid (in files written this day): \(count) payment(s)"), text.stdout)
        XCTAssertEqual(try root.bilag(["store", "check"]).exitCode, 0)
    }

    /// An approval killed at each rename, link and unlink it makes while it files and writes the payment (strace
    /// sends SIGKILL at exactly that call): the next `run` starts, the invoice is then in exactly one payment file with
    /// its manifest, and no temporary or pending file is left in the bank's folders.
    func testKilledAtEachStepOfWritingAPaymentFileTheInvoiceIsPaidOnceAndNothingIsLeftBehind() throws {
        let kills = try TemporaryRoot.approvalsKilledAtEachStep(label: "bank", prepare: { root in
            try root.writeConfig(F.config(extra: []))
            for i in 1...2 {
                try root.deliver(F.document("K-\(i)", supplier: "DK11111111", means: F.iban("DK5000400440116243", paymentID: "RF18539007547034")), to: "peppol/k-\(i).xml")
            }
            try root.bilagSucceeding(["run", "--once"])
            return try XCTUnwrap(try Store(path: root.databasePath).invoices(state: .manual, limit: 10).map(\.id).first)
        }) { root, step in
            guard try root.restartedAfterAKillEverythingApproved(step) else { return }
            let booked = try Store(path: root.databasePath).invoices(state: .booked, limit: 10).map(\.id)
            XCTAssertEqual(booked.count, 2, step)
            XCTAssertEqual(Set(try F.checkedPayments(outbox: root.outbox).keys), Set(booked), "\(step): each booked invoice in exactly one payment file")
            XCTAssertEqual(TemporaryRoot.leftovers(in: [root.outbox + "/bank", root.outbox + "/manifests/bank"]), [], step)
            XCTAssertEqual(try root.bilag(["store", "check"]).exitCode, 0, step)
        }
        XCTAssertGreaterThan(kills, 3, "the approval was killed at too few steps to mean anything")
    }

    /// Killed after the payment file appeared but before its manifest took its final name, and the bank collects the
    /// file meanwhile (moves it away): the restart records the file as published and never writes it again — the
    /// bank would pay every payment in it twice. Killed before it appeared, the restart publishes it once.
    func testAPaymentFileCollectedBeforeItsManifestWasFinalIsNotPublishedAgain() throws {
        var collected = 0, unpublished = 0
        for n in 1...16 {
            let root = try TemporaryRoot("bank-collected-\(n)")
            try root.writeConfig(F.config(extra: []))
            try root.deliver(F.document("K-1", supplier: "DK11111111", means: F.iban("DK5000400440116243")), to: "peppol/k-1.xml")
            try root.bilagSucceeding(["run", "--once"])
            let id = try XCTUnwrap(try Store(path: root.databasePath).invoices(state: .manual, limit: 10).map(\.id).first)
            let killed = try XCTUnwrap(try root.bilagKilled(at: "rename", nth: n, TemporaryRoot.approval(id)), "strace is not installed")
            if killed.signal != SIGKILL { break }
            let bank = root.outbox + "/bank", manifests = root.outbox + "/manifests/bank"
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: bank)) ?? []).filter { $0.hasSuffix(".xml") && !$0.hasPrefix(".") }
            let pending = ((try? FileManager.default.contentsOfDirectory(atPath: manifests)) ?? []).filter { $0.hasPrefix(".pending-") }
            if let file = files.first, !pending.isEmpty {
                // The window: published, manifest not final. The bank collects the file.
                collected += 1
                try FileManager.default.createDirectory(atPath: root.path + "/bank-received", withIntermediateDirectories: true)
                try FileManager.default.moveItem(atPath: bank + "/" + file, toPath: root.path + "/bank-received/" + file)
                let restart = try root.bilag(["run", "--once"])
                XCTAssertEqual(restart.exitCode, 0, "killed at rename #\(n): \(restart)")
                let again = ((try? FileManager.default.contentsOfDirectory(atPath: bank)) ?? []).filter { $0.hasSuffix(".xml") }
                XCTAssertEqual(again, [], "killed at rename #\(n): the collected file was published again")
                XCTAssertTrue(FileManager.default.fileExists(atPath: manifests + "/" + file + ".manifest.json"), "killed at rename #\(n): its manifest is final")
                XCTAssertEqual(try Store(path: root.databasePath).payment(id)?.file, file)
                XCTAssertEqual(TemporaryRoot.leftovers(in: [bank, manifests]), [], "killed at rename #\(n)")
            } else if files.isEmpty, !pending.isEmpty {
                // Stopped before the file appeared: published once at the restart.
                unpublished += 1
                XCTAssertEqual(try root.bilag(["run", "--once"]).exitCode, 0)
                XCTAssertEqual(Set(try F.checkedPayments(outbox: root.outbox).keys), [id], "killed at rename #\(n)")
                XCTAssertEqual(TemporaryRoot.leftovers(in: [bank, manifests]), [], "killed at rename #\(n)")
            }
        }
        XCTAssertGreaterThan(collected, 0, "no kill fell between the file's appearance and its manifest's final name")
        XCTAssertGreaterThan(unpublished, 0, "no kill fell before the file appeared")
    }

    /// After `store rebuild` the fraud guard still knows the accounts the adopted payment files paid each supplier
    /// into: an invoice of that supplier into another account is held as new, not taken as a new supplier's first;
    /// and the rebuild says what it cannot restore (imported master data, credit notes).
    func testARebuiltStoreStillKnowsTheAccountsItPaid() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        try root.deliver(F.document("A-1", supplier: "DK11111111", means: F.iban("DK5000400440116243")), to: "peppol/a-1.xml")
        try root.bilagSucceeding(["run", "--once"])
        let a = try XCTUnwrap(try Store(path: root.databasePath).invoices(limit: 10).first?.id)
        try root.bilagSucceeding(TemporaryRoot.approval(a))
        XCTAssertEqual(try F.checkedPayments(outbox: root.outbox).count, 1)

        let rebuilt = try root.bilagSucceeding(["store", "rebuild", "--yes"])
        XCTAssertTrue(rebuilt.stdout.contains("1 supplier account(s) learnt again") && rebuilt.stdout.contains("bilag suppliers import"), rebuilt.stdout)
        try root.deliver(F.document("B-1", supplier: "DK11111111", means: F.iban("NO9386011117947", bic: "DNBANOKK")), to: "peppol/b-1.xml")
        try root.bilagSucceeding(["run", "--once"])
        let b = try XCTUnwrap(try Store(path: root.databasePath).invoices(limit: 10).first { $0.invoiceNumber == "B-1" }?.id)
        let refused = try root.bilag(TemporaryRoot.approval(b, user: "alice"))
        XCTAssertNotEqual(refused.exitCode, 0, "\(refused)")
        XCTAssertTrue(refused.stderr.contains("an account not seen before") && refused.stderr.contains("DK5000400440116243"), "\(refused)")
    }

    /// A booking that was to be paid but is in no payment file when the store is lost (its execution date not near
    /// yet): the rebuilt store blocks its payment as `store-rebuilt` and says so, instead of taking it as booked before
    /// payments started and never paying it with nothing to show (an outside tester: 301 invoices, DKK 16.6 M, silently
    /// unpaid). Released by an operator, it is paid once; the one already in a file is not paid again.
    func testARebuiltStoreBlocksThePaymentsNotYetFiledAndSaysSo() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config(extra: ["days_ahead: 2"]))
        try root.deliver(F.document("P-1", supplier: "DK11111111", means: F.iban("DK5000400440116243")), to: "peppol/p-1.xml")
        try root.deliver(F.document("W-1", supplier: "DK22222222", means: F.iban("DK9520000123456789"), due: "2099-12-01"), to: "peppol/w-1.xml")
        try root.bilagSucceeding(["run", "--once"])
        let store = try Store(path: root.databasePath)
        let ids = try store.invoices(limit: 10)
        let paid = try XCTUnwrap(ids.first { $0.invoiceNumber == "P-1" }?.id), waiting = try XCTUnwrap(ids.first { $0.invoiceNumber == "W-1" }?.id)
        try root.bilagSucceeding(TemporaryRoot.approval(paid))
        try root.bilagSucceeding(TemporaryRoot.approval(waiting))
        XCTAssertEqual(try F.checkedPayments(outbox: root.outbox).count, 1)
        XCTAssertEqual(try Store(path: root.databasePath).payment(waiting)?.state, "open", "waiting for its execution date")

        for suffix in ["", "-wal", "-shm"] { unlink(root.databasePath + suffix) }
        let rebuilt = try root.bilagSucceeding(["store", "rebuild", "--yes"])
        XCTAssertTrue(rebuilt.stdout.contains("1 payment(s) booked to be paid but in no payment file") && rebuilt.stdout.contains(waiting), rebuilt.stdout)
        try root.bilagSucceeding(["run", "--once"])
        let after = try Store(path: root.databasePath)
        XCTAssertEqual(try after.payment(paid)?.state, "filed")
        XCTAssertEqual(try after.payment(waiting)?.state, "blocked")
        XCTAssertTrue(try after.payment(waiting)?.reason?.hasPrefix("store-rebuilt") == true)
        let list = try root.bilagSucceeding(["payments", "list", "--state", "blocked"])
        XCTAssertTrue(list.stdout.contains("store-rebuilt"), list.stdout)
        XCTAssertEqual(try F.checkedPayments(outbox: root.outbox).count, 1, "nothing paid again")

        try root.bilagSucceeding(["payments", "release", waiting, "--user", "alice"])
        XCTAssertEqual(try Store(path: root.databasePath).payment(waiting)?.state, "open", "released: paid when its execution date is near")
    }

    /// A bank folder bilag cannot write (immutable, `chattr +i`, which binds root too): before, `payments list` said the
    /// payments were `filed` in a file that did not exist, `status` showed nothing, `run --once` exited 0 and the log
    /// named neither the file nor the folder. Now the payments are `filing`, `status` (and `--json`) warns with the
    /// path, `run --once` fails (exit 4), and all clears once the folder can be written: the file appears, once.
    func testABankFolderThatCannotBeWrittenIsShownAndTheRunFails() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        try root.bilagSucceeding(["run", "--once"])
        let bank = root.outbox + "/bank"
        let chattr = try BilagBinary(path: "/usr/bin/chattr").runTool(["+i", bank])
        guard chattr == 0 else { throw XCTSkip("chattr +i is not possible here") }
        defer { _ = try? BilagBinary(path: "/usr/bin/chattr").runTool(["-i", bank]) }
        try root.deliver(F.document("U-1", supplier: "DK11111111", means: F.iban("DK5000400440116243")), to: "peppol/u-1.xml")
        try root.bilagSucceeding(["run", "--once"])
        let id = try XCTUnwrap(try Store(path: root.databasePath).invoices(limit: 10).first?.id)
        let approved = try root.bilag(TemporaryRoot.approval(id))
        XCTAssertEqual(approved.exitCode, 0, "booked: the approval itself is done \(approved)")

        let list = try root.bilagSucceeding(["payments", "list"]).stdout
        XCTAssertTrue(list.contains("filing") && list.contains("(not written yet)"), list)
        let status = try root.bilagSucceeding(["status"]).stdout
        XCTAssertTrue(status.contains("WARNING: the Outbox cannot be written") && status.contains(bank), status)
        let json = try root.bilagSucceeding(["status", "--json"]).jsonObject()
        XCTAssertTrue("\(json["outbox_trouble"] ?? "")".contains(bank), "\(json)")
        let run = try root.bilag(["run", "--once"])
        XCTAssertEqual(run.exitCode, 4, "\(run)")
        XCTAssertTrue(run.stderr.contains("cannot write") && run.stderr.contains(bank), run.stderr)
        XCTAssertEqual(try F.checkedPayments(outbox: root.outbox).count, 0)

        _ = try BilagBinary(path: "/usr/bin/chattr").runTool(["-i", bank])
        try root.bilagSucceeding(["run", "--once"])
        XCTAssertEqual(try F.checkedPayments(outbox: root.outbox).count, 1)
        XCTAssertFalse(try root.bilagSucceeding(["status"]).stdout.contains("WARNING"))
        XCTAssertTrue(try root.bilagSucceeding(["payments", "list"]).stdout.contains("filed"))
        XCTAssertEqual((try root.bilagSucceeding(["status", "--json"]).jsonObject())["outbox_trouble"] is NSNull, true)
    }

    /// A database restored from before payment files were written is behind its Outbox: bilag refuses to run rather
    /// than pay those invoices again; and the report finds a payment file changed by hand.
    func testARestoredStoreDoesNotPayAgainAndTheReportFindsAChangedFile() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        try root.deliver(F.document("R-1", supplier: "DK11111111", means: F.iban("DK5000400440116243")), to: "peppol/r-1.xml")
        try root.bilagSucceeding(["run", "--once"])
        try FileManager.default.copyItem(atPath: root.databasePath, toPath: root.path + "/backup.sqlite")
        let id = try XCTUnwrap(try Store(path: root.databasePath).invoices(limit: 10).first?.id)
        try root.bilagSucceeding(TemporaryRoot.approval(id))
        XCTAssertEqual(try F.checkedPayments(outbox: root.outbox).count, 1)
        let today = BankCalendar(country: "DK")!.today(Date()).description   // the report's day is the local one
        XCTAssertEqual(try root.bilag(["report", "day", today]).exitCode, 0)

        // The report fails a payment file edited after it was written.
        let file = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: root.outbox + "/bank").first { $0.hasSuffix(".xml") })
        let path = root.outbox + "/bank/" + file
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        try Data(String(decoding: original, as: UTF8.self).replacingOccurrences(of: "1656.25", with: "9656.25").utf8).write(to: URL(fileURLWithPath: path))
        let changed = try root.bilag(["report", "day", today])
        XCTAssertEqual(changed.exitCode, 5, "\(changed)")
        XCTAssertTrue(changed.stdout.contains("checksum changed"), changed.stdout)
        try original.write(to: URL(fileURLWithPath: path))

        // The store restored from before the payment: behind its Outbox, refused.
        for suffix in ["", "-wal", "-shm"] { unlink(root.databasePath + suffix) }
        try FileManager.default.copyItem(atPath: root.path + "/backup.sqlite", toPath: root.databasePath)
        let check = try root.bilag(["store", "check"])
        XCTAssertEqual(check.exitCode, 5, "\(check)")
        XCTAssertTrue(check.stdout.contains("payment file(s)"), "\(check)")
        let run = try root.bilag(["run", "--once"])
        XCTAssertEqual(run.exitCode, 4, "\(run)")
        XCTAssertTrue(run.stderr.contains("store-behind-outbox") || run.stdout.contains("store-behind-outbox"), "\(run)")
        XCTAssertEqual(try F.checkedPayments(outbox: root.outbox).count, 1)

        // Rebuilt from the Outbox: the payment file is the new store's, its invoice is not paid again.
        try root.bilagSucceeding(["store", "rebuild", "--yes"])
        try root.bilagSucceeding(["run", "--once"])
        XCTAssertEqual(try F.checkedPayments(outbox: root.outbox).count, 1)
        XCTAssertEqual(try Store(path: root.databasePath).payment(id)?.state, "filed")
        let rebuilt = try root.bilag(["report", "day", today, "--json"]).jsonObject()
        XCTAssertEqual(rebuilt["ok"] as? Bool, true, "\(rebuilt)")
    }
}

/// The fraud guard through the real binary's commands: supplier master data imported and shown, an approval into an
/// unknown account refused, the account confirmed (audited) by one operator and the invoice approved by another.
final class SupplierCommandTests: XCTestCase {
    typealias F = PaymentFixtures

    func testImportShowConfirmAndTheFourEyesRule() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        try Data("supplier;account;bic;note\nDK11111111;DK5000400440116243;DABADKKK;ERP master data\n".utf8).write(to: URL(fileURLWithPath: root.path + "/suppliers.csv"))
        try root.deliver(F.document("C-1", supplier: "DK11111111", means: F.iban("NO9386011117947", bic: "DNBANOKK")), to: "peppol/c-1.xml")
        try root.bilagSucceeding(["run", "--once"])
        let imported = try root.bilagSucceeding(["suppliers", "import", root.path + "/suppliers.csv", "--user", "alice"])
        XCTAssertTrue(imported.stdout.contains("imported 1 payee account(s)"), "\(imported)")
        let shown = try root.bilagSucceeding(["suppliers", "show", "DK11111111"])
        XCTAssertTrue(shown.stdout.contains("IBAN DK5000400440116243") && shown.stdout.contains("imported"), shown.stdout)

        let id = try XCTUnwrap(try Store(path: root.databasePath).invoices(limit: 10).first?.id)
        let refused = try root.bilag(TemporaryRoot.approval(id, user: "alice"))
        XCTAssertNotEqual(refused.exitCode, 0)
        XCTAssertTrue(refused.stderr.contains("an account not seen before") && refused.stderr.contains("NO9386011117947"), "\(refused)")
        try root.bilagSucceeding(["suppliers", "confirm", "--invoice", id, "--user", "bob", "--note", "phoned the supplier"])
        let own = try root.bilag(TemporaryRoot.approval(id, user: "bob"))
        XCTAssertTrue(own.stderr.contains("cannot also release"), "\(own)")
        try root.bilagSucceeding(TemporaryRoot.approval(id, user: "alice"))
        let json = try root.bilagSucceeding(["suppliers", "show", "--json"]).stdout
        XCTAssertTrue(json.contains("\"confirmed_by\":\"operator:bob\""), json)
        XCTAssertEqual(Set(try F.checkedPayments(outbox: root.outbox).keys), [id])
        XCTAssertTrue(try root.bilagSucceeding(["audit", "list"]).stdout.contains("payee-account-confirmed"))
        let view = try root.bilagSucceeding(["queue", "show", id]).stdout
        XCTAssertTrue(view.contains("payment: filed — DKK 1656.25 of 1656.25 in bank-"), view)
    }
}

/// `bilag suppliers show` names who vouched for each known account: who imported it and who confirmed it.
final class SupplierShowTests: XCTestCase {
    typealias F = PaymentFixtures

    func testSuppliersShowSaysWhoImportedAndWhoConfirmedEachAccount() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        try Data("supplier;account;bic;note\nDK11111111;DK5000400440116243;DABADKKK;ERP master data\n".utf8).write(to: URL(fileURLWithPath: root.path + "/first.csv"))
        try Data("supplier;account;bic;note\nDK11111111;FIK:87654321;;new slip account\n".utf8).write(to: URL(fileURLWithPath: root.path + "/second.csv"))
        try root.bilagSucceeding(["run", "--once"])
        try root.bilagSucceeding(["suppliers", "import", root.path + "/first.csv", "--user", "alice"])
        try root.bilagSucceeding(["suppliers", "import", root.path + "/second.csv", "--user", "carol"])
        try root.deliver(F.document("C-1", supplier: "DK11111111", means: F.iban("NO9386011117947", bic: "DNBANOKK")), to: "peppol/c-1.xml")
        try root.bilagSucceeding(["run", "--once"])
        let id = try XCTUnwrap(try Store(path: root.databasePath).invoices(limit: 10).first?.id)
        try root.bilagSucceeding(["suppliers", "confirm", "--invoice", id, "--user", "bob", "--note", "phoned the supplier"])

        let lines = try root.bilagSucceeding(["suppliers", "show", "DK11111111"]).stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.first?.contains("IMPORTED BY") == true && lines.first?.contains("CONFIRMED BY") == true, "\(lines)")
        func row(_ account: String) -> String { lines.first { $0.contains(account) } ?? "" }
        XCTAssertTrue(row("DK5000400440116243").contains("operator:alice"), "\(lines)")
        XCTAssertTrue(row("87654321").contains("operator:carol") && row("87654321").contains("imported-unconfirmed"), "\(lines)")
        XCTAssertTrue(row("NO9386011117947").contains("operator:bob") && !row("NO9386011117947").contains("operator:alice"), "\(lines)")
        let json = try root.bilagSucceeding(["suppliers", "show", "--json"]).stdout
        XCTAssertTrue(json.contains("\"imported_by\":\"operator:alice\"") && json.contains("\"imported_by\":\"operator:carol\""), json)
    }
}
