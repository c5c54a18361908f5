import BilagStore
import Foundation
import XCTest

/// A store in a fresh temporary folder, removed when the test ends, and claims to record in it.
enum StoreFixture {
    static func store(_ test: XCTestCase, _ name: String) throws -> Store {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bilag-\(name)-\(UUID().uuidString)").path
        test.addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return try Store(path: dir + "/bilag.sqlite")
    }

    /// `count` claims of `size` bytes each, ids ending in `tag`; `sha256(i)` gives each one's content hash.
    static func claims(_ count: Int, tag: String, size: Int64 = 100, sha256: (Int) -> String) -> [ClaimRecord] {
        (0..<count).map { i in
            ClaimRecord(id: "20261123-120000-00000\(i)-\(tag)", channel: "peppol", sourcePath: "peppol/\(i).xml", storedPath: "originals/2026-11-23/\(i).xml", sha256: sha256(i), size: size, receivedAt: "2026-11-23T12:00:00.000Z")
        }
    }
}
