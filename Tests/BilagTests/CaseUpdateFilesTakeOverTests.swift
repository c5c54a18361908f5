import BilagCore
import BilagEngine
@testable import BilagOutbox
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// When a connector's case-update files (`updates: files`) are looked through for what a writer killed mid-write left
/// (`TakeOverSchedule`): at its first write in a process and after a writer of any process stopped half-way, not at
/// every write.
extension CaseUpdateHoldTests {
    func testCaseUpdateFileWritesListTheFoldersAtTheFirstWriteNotAtEveryWrite() throws {
        let w = try world(nil, replacing: [("    folder: casedata/benefits\n", "    folder: casedata/benefits\n    updates: files\n")])
        try bookFirstRent(w)
        try w.run([Self.december])
        try w.run([Self.january])
        let robots = try XCTUnwrap(w.pipeline.decider as? RobotDecider)
        let files = try XCTUnwrap(robots.caseUpdateSender().files["benefits"])
        let folder = w.root + "/Outbox/case-updates/benefits"
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jsonl") }.count, 2, "one file a month")
        for name in ["r-december", "r-january"] { XCTAssertTrue(try w.store.isReleased(try w.record(name).id), name) }
        XCTAssertEqual(files.takeOvers.checkCount, 1, "two writes, the folders listed at the first only")
    }
}
