import Foundation

/// UTC timestamps as ISO 8601 text with milliseconds (`2026-11-23T08:25:12.345Z`), sortable as text.
public enum Timestamp {
    public static func string(_ date: Date = Date()) -> String {
        let t = date.timeIntervalSince1970
        let secs = Int(t.rounded(.down))
        let ms = Int(((t - Double(secs)) * 1000).rounded(.down))
        let day = LocalDate(dayNumber: secs >= 0 ? secs / 86400 : (secs - 86399) / 86400)
        let sod = secs - day.dayNumber * 86400
        guard (1000...9999).contains(day.year) else {
            func pad(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
            return "\(day)T\(pad(sod / 3600, 2)):\(pad(sod / 60 % 60, 2)):\(pad(sod % 60, 2)).\(pad(ms, 3))Z"
        }
        // `YYYY-MM-DDTHH:MM:SS.mmmZ`, 24 bytes, written digit by digit (every log line and database row carries one).
        return String(unsafeUninitializedCapacity: 24) { b in
            func put(_ v: Int, _ width: Int, at i: Int) {
                var v = v
                for k in stride(from: i + width - 1, through: i, by: -1) { b[k] = UInt8(48 + v % 10); v /= 10 }
            }
            put(day.year, 4, at: 0); b[4] = 0x2D; put(day.month, 2, at: 5); b[7] = 0x2D; put(day.day, 2, at: 8)
            b[10] = 0x54; put(sod / 3600, 2, at: 11); b[13] = 0x3A; put(sod / 60 % 60, 2, at: 14); b[16] = 0x3A
            put(sod % 60, 2, at: 17); b[19] = 0x2E; put(ms, 3, at: 20); b[23] = 0x5A
            return 24
        }
    }

    /// Parses what `string` writes (and plain dates, as midnight UTC).
    public static func date(_ s: String) -> Date? {
        if let d = LocalDate(parsing: s), s.count <= 10 { return Date(timeIntervalSince1970: Double(d.dayNumber) * 86400) }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: s)
    }
}
