import BilagCore
import Foundation
import Synchronization

/// Makes claim ids that sort by arrival and never repeat: `20261123-082512-345678-p9f3a`.
///
/// The third part is the microsecond within the second, kept strictly increasing per generator (ids made at one
/// instant, as a claimed batch is, or after the clock stepped back, take the next microsecond). So a daemon restarted
/// within the same second gives later files larger ids than its predecessor gave earlier ones — with a counter that
/// restarted at 1 they sorted before them, and the duplicate check (`the same bytes arrived *before* this id`) missed
/// copies in both directions. The last part tells apart processes claiming at the same instant.
///
/// The date part also names the folder the original is kept in.
public final class ClaimIDGenerator: Sendable {
    /// The last second and microsecond given out, and that second written `YYYYMMDD-HHMMSS-` (made once a second, not
    /// once a claim).
    private let last = Mutex<(second: Int64, microsecond: Int, prefix: String)>((.min, 0, ""))
    private let salt: String

    public init() {
        // The `p` keeps an id from ever looking like a CPR number (`170274-0137`), which masking would hide.
        salt = "p" + String(UInt16.random(in: 0...UInt16.max), radix: 16).leftPadded(4)
    }

    public func next(now: Date = Date()) -> String {
        let t = now.timeIntervalSince1970
        let (prefix, micro) = last.withLock { last -> (String, Int) in
            var second = Int64(t.rounded(.down))
            var micro = min(999_999, max(0, Int(((t - Double(second)) * 1_000_000).rounded(.down))))
            if second < last.second || (second == last.second && micro <= last.microsecond) {
                second = last.second
                micro = last.microsecond + 1
                if micro > 999_999 { second += 1; micro = 0 }
            }
            let prefix = second == last.second ? last.prefix : Self.prefix(second)
            last = (second, micro, prefix)
            return (prefix, micro)
        }
        return prefix + String(micro).leftPadded(6) + "-" + salt
    }

    /// `20261123-082512-` for the second `second` (UTC).
    static func prefix(_ second: Int64) -> String {
        let ts = Timestamp.string(Date(timeIntervalSince1970: TimeInterval(second))) // 2026-11-23T08:25:12.000Z
        let u = Array(ts.utf8)
        let dash: [UInt8] = [0x2D]
        let date = u[0..<4] + u[5..<7] + u[8..<10], time = u[11..<13] + u[14..<16] + u[17..<19]
        return String(decoding: date + dash + time + dash, as: UTF8.self)
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
