import BilagCore
import Foundation

/// `Profile.detect` remembered per `CustomizationID` text. Detection lowercases and trims with Foundation (~8 µs), and a
/// stream of invoices carries a handful of distinct CustomizationIDs, so the answer is looked up instead. The function
/// is pure, so a remembered answer is the answer; at most `limit` texts are kept, so odd input cannot grow it.
enum ProfileCache {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var known: [String: Profile] = [:]
    static let limit = 64

    static func detect(_ customizationID: String?) -> Profile {
        guard let id = customizationID else { return Profile.detect(customizationID: nil) }
        lock.lock()
        let hit = known[id]
        lock.unlock()
        if let hit { return hit }
        let p = Profile.detect(customizationID: id)
        lock.lock()
        if known.count < limit { known[id] = p }
        lock.unlock()
        return p
    }
}
