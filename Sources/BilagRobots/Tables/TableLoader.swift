import BilagCore
import BilagRobotLanguage
import Foundation

/// Reads a table file (CSV with a header row, or a JSON array of objects) and types its cells.
public enum TableLoader {
    public static func load(name: String, path: String, displayPath: String, columns: [(name: String, type: FieldType)], effective: (from: String, to: String?)?, at location: SourceLocation) throws -> Table {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RobotLanguageError(location: location, message: "table \(name): cannot read \(displayPath)")
        }
        let text = String(decoding: data, as: UTF8.self)
        var raw: [[String: String]]
        if path.hasSuffix(".json") {
            guard let arr = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
                throw RobotLanguageError(location: location, message: "table \(name): \(displayPath) must be a JSON array of objects")
            }
            raw = arr.map { $0.mapValues { v in (v as? String) ?? "\(v)" } }
        } else {
            raw = try CSV.records(text, file: displayPath)
        }
        var rows: [[String: Value]] = []
        for (i, r) in raw.enumerated() {
            var row: [String: Value] = [:]
            for c in columns {
                let cell = (r[c.name] ?? "").trimmingWhitespace(includingNewlines: false)
                if r[c.name] == nil && i == 0 {
                    throw RobotLanguageError(location: location, message: "table \(name): \(displayPath) has no column '\(c.name)' (it has: \(r.keys.sorted().joined(separator: ", ")))")
                }
                row[c.name] = try typed(cell, c.type, table: name, file: displayPath, row: i + 2, column: c.name, location: location)
            }
            rows.append(row)
        }
        return Table(name: name, file: displayPath, columns: columns, rows: rows, effective: effective)
    }

    static func typed(_ cell: String, _ type: FieldType, table: String, file: String, row: Int, column: String, location: SourceLocation) throws -> Value {
        if cell.isEmpty { return .null }
        switch type {
        case .string: return .string(cell)
        case .number:
            guard let a = Amount(parsing: cell) else { throw RobotLanguageError(location: location, message: "table \(table): \(file) row \(row), column \(column): '\(cell)' is not a number") }
            return .number(a)
        case .date:
            guard let d = LocalDate(parsing: cell) else { throw RobotLanguageError(location: location, message: "table \(table): \(file) row \(row), column \(column): '\(cell)' is not a date (YYYY-MM-DD)") }
            return .date(d)
        case .bool:
            switch cell.lowercased() {
            case "true", "yes", "ja", "1": return .bool(true)
            case "false", "no", "nej", "0": return .bool(false)
            default: throw RobotLanguageError(location: location, message: "table \(table): \(file) row \(row), column \(column): '\(cell)' is not true/false")
            }
        }
    }
}

/// A small RFC 4180 CSV reader (quoted fields, doubled quotes, comma or semicolon separator, `#` comment lines).
public enum CSV {
    public static func records(_ text: String, file: String) throws -> [[String: String]] {
        let lines = rows(text)
        guard let header = lines.first else { return [] }
        let names = header.map { $0.trimmingWhitespace(includingNewlines: false) }
        return lines.dropFirst().filter { !($0.count == 1 && $0[0].isEmpty) }.map { fields in
            var r: [String: String] = [:]
            for (i, n) in names.enumerated() { r[n] = i < fields.count ? fields[i] : "" }
            return r
        }
    }

    public static func rows(_ text: String) -> [[String]] {
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let firstLine = body.prefix { $0 != "\n" }
        let sep: Character = firstLine.filter({ $0 == ";" }).count > firstLine.filter({ $0 == "," }).count ? ";" : ","
        var out: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(body)
        chars.append("\n")
        var i = 0
        while i < chars.count {
            let ch = chars[i]
            if quoted {
                if ch == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else { field.append(ch) }
            } else if ch == "\"" && field.isEmpty {
                quoted = true
            } else if ch == sep {
                row.append(field); field = ""
            } else if ch == "\n" || ch == "\r\n" {
                row.append(field); field = ""
                let isComment = row.first?.hasPrefix("#") == true
                if !isComment && !(row.count == 1 && row[0].trimmingWhitespace(includingNewlines: false).isEmpty) { out.append(row) }
                row = []
                i += 1
                continue
            } else if ch != "\r" {
                field.append(ch)
            }
            i += 1
        }
        return out
    }
}
