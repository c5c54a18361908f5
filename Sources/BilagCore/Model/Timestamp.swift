import Foundation

/// UTC timestamps as ISO 8601 text with milliseconds (`2026-11-23T08:25:12.345Z`), sortable as text.
public enum Timestamp {
    public static func string(_ date: Date = Date()) -> String {
        let t = date.timeIntervalSince1970
        let secs = Int(t.rounded(.down))
        let ms = Int(((t - Double(secs)) * 1000).rounded(.down))
        let day = LocalDate(dayNumber: secs >= 0 ? secs / 86400 : (secs - 86399) / 86400)
        let sod = secs - day.dayNumber * 86400
        func pad(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(day)T\(pad(sod / 3600, 2)):\(pad(sod / 60 % 60, 2)):\(pad(sod % 60, 2)).\(pad(ms, 3))Z"
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
