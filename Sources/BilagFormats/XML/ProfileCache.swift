import BilagCore
import Foundation
import Synchronization

/// `Profile.detect` remembered per `CustomizationID` text. Detection lowercases and trims with Foundation (~8 µs), and a
/// stream of invoices carries a handful of distinct CustomizationIDs, so the answer is looked up instead. The function
/// is pure, so a remembered answer is the answer; at most `limit` texts are kept, so odd input cannot grow it.
enum ProfileCache {
    private static let known = Mutex<[String: Profile]>([:])
    static let limit = 64

    static func detect(_ customizationID: String?) -> Profile {
        guard let id = customizationID else { return Profile.detect(customizationID: nil) }
        if let hit = known.withLock({ $0[id] }) { return hit }
        let p = Profile.detect(customizationID: id)
        known.withLock { if $0.count < limit { $0[id] = p } }
        return p
    }
}
