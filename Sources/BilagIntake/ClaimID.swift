import BilagCore
import Foundation

/// Makes claim ids that sort by arrival and never repeat: `20261123-082512-000042-9f3a`.
///
/// The date part also names the folder the original is kept in.
public final class ClaimIDGenerator: @unchecked Sendable {
    private var counter: UInt64 = 0
    private let lock = NSLock()
    private let salt: String

    public init() {
        salt = String(UInt16.random(in: 0...UInt16.max), radix: 16).leftPadded(4)
    }

    public func next(now: Date = Date()) -> String {
        lock.lock(); counter += 1; let n = counter; lock.unlock()
        let ts = Timestamp.string(now) // 2026-11-23T08:25:12.345Z
        let u = Array(ts.utf8)
        let date = String(decoding: u[0..<4] + u[5..<7] + u[8..<10], as: UTF8.self)
        let time = String(decoding: u[11..<13] + u[14..<16] + u[17..<19], as: UTF8.self)
        return "\(date)-\(time)-\(String(n).leftPadded(6))-\(salt)"
    }

    /// The day folder (`2026-11-23`) a claim id's original lives in.
    public static func dayFolder(of id: String) -> String {
        let u = Array(id.utf8.prefix(8))
        guard u.count == 8 else { return "unknown" }
        return String(decoding: u[0..<4], as: UTF8.self) + "-" + String(decoding: u[4..<6], as: UTF8.self) + "-" + String(decoding: u[6..<8], as: UTF8.self)
    }
}

extension String {
    func leftPadded(_ width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
