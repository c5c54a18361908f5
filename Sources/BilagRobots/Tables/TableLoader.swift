import BilagCore
import BilagRobotLanguage
import Foundation

/// Reads a table file (CSV with a header row, or a JSON array of objects) and types its cells.
///
/// The file is UTF-8 unless the robot declares another encoding (`encoding: latin1` or `windows-1252`); bytes that
/// are not valid UTF-8 are refused with their line, never loaded as `R\u{FFFD}dhuset`. Rows with the same key (by
/// default the first column; `key:` names others, `key: none` none) are refused with their row numbers, unless the
/// table is effective-dated and their periods do not overlap.
public enum TableLoader {
    /// The encodings a table file may declare.
    public static let encodings: [String: String.Encoding] = [
        "utf-8": .utf8, "utf8": .utf8, "latin1": .isoLatin1, "latin-1": .isoLatin1, "iso-8859-1": .isoLatin1, "windows-1252": .windowsCP1252, "cp1252": .windowsCP1252,
    ]

    public static func load(name: String, path: String, displayPath: String, columns: [(name: String, type: FieldType)], effective: (from: String, to: String?)?,
                            key: [String]? = nil, encoding: String.Encoding = .utf8, at location: SourceLocation) throws -> Table {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RobotLanguageError(location: location, message: "table \(name): cannot read \(displayPath)")
        }
        let text = try decode(data, encoding, table: name, file: displayPath, at: location)
        var raw: [[String: String]]
        if path.hasSuffix(".json") {
            guard let arr = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
                throw RobotLanguageError(location: location, message: "table \(name): \(displayPath) must be a JSON array of objects")
            }
            raw = arr.map { $0.mapValues { v in (v as? String) ?? "\(v)" } }
        } else {
            do { raw = try CSV.records(text, file: displayPath) } catch let e as CSVError {
                throw RobotLanguageError(location: location, message: "table \(name): \(e.message)")
            }
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
        try refuseDuplicates(rows, key: key ?? columns.first.map { [$0.name] } ?? [], effective: effective, table: name, file: displayPath, at: location)
        return Table(name: name, file: displayPath, columns: columns, rows: rows, effective: effective)
    }

    /// The text of the file; a UTF-8 file with invalid bytes is refused naming the line.
    static func decode(_ data: Data, _ encoding: String.Encoding, table: String, file: String, at location: SourceLocation) throws -> String {
        if encoding != .utf8 {
            guard let text = String(data: data, encoding: encoding) else {
                throw RobotLanguageError(location: location, message: "table \(table): \(file) cannot be read in the declared encoding")
            }
            return text
        }
        if let text = String(data: data, encoding: .utf8) { return text }
        guard let bad = UTF8Lines.firstInvalid(data) else {
            throw RobotLanguageError(location: location, message: "table \(table): \(file) is not valid UTF-8")
        }
        throw RobotLanguageError(location: location, message: "table \(table): \(file) line \(bad.line) is not valid UTF-8 (\(String(decoding: bad.bytes, as: UTF8.self).trimmingWhitespace(includingNewlines: true))); save the file as UTF-8, or declare its encoding (`encoding: latin1` or `windows-1252`)")
    }

    /// Refuses two rows with the same key (whose periods overlap, in an effective-dated table), naming both rows.
    static func refuseDuplicates(_ rows: [[String: Value]], key: [String], effective: (from: String, to: String?)?, table: String, file: String, at location: SourceLocation) throws {
        guard !key.isEmpty else { return }
        var seen: [[Value]: [Int]] = [:]
        for (i, row) in rows.enumerated() {
            let k = key.map { row[$0] ?? .null }
            for j in seen[k] ?? [] where overlap(rows[j], row, effective) {
                let shown = zip(key, k).map { c, v in
                    if case let .string(t) = v { return "\(c) \(t)" }
                    return "\(c) \(v)"
                }.joined(separator: ", ")
                throw RobotLanguageError(location: location, message: "table \(table): \(file) rows \(j + 2) and \(i + 2) have the same key (\(shown))" + (effective == nil ? "" : " and overlapping validity") + "; only one row may apply — remove one, or bound their periods")
            }
            seen[k, default: []].append(i)
        }
    }

    /// Whether two rows' validity periods share a day (always, when the table is not effective-dated).
    static func overlap(_ a: [String: Value], _ b: [String: Value], _ effective: (from: String, to: String?)?) -> Bool {
        guard let effective else { return true }
        func bound(_ row: [String: Value], _ col: String?, _ open: LocalDate) -> LocalDate {
            if let col, case let .date(d)? = row[col] { return d }
            return open
        }
        let lo = LocalDate(parsing: "0001-01-01")!, hi = LocalDate(parsing: "9999-12-31")!
        return bound(a, effective.from, lo) <= bound(b, effective.to, hi) && bound(b, effective.from, lo) <= bound(a, effective.to, hi)
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
///
/// A row with another number of fields than the header — a separator too many in a value, a cell left out — and a
/// quote never closed are refused with their line, never loaded with the values shifted, cut off or lost; empty
/// fields after the last column (a spreadsheet's trailing separators) are allowed.
public enum CSV {
    public static func records(_ text: String, file: String) throws -> [[String: String]] {
        let read = numberedRows(text)
        if let line = read.unclosedQuoteAt {
            throw CSVError(message: "\(file) line \(line): a quote (\") is opened and never closed; close it, or double a quote inside a quoted value (\"\")")
        }
        guard let header = read.rows.first else { return [] }
        let names = header.fields.map { $0.trimmingWhitespace(includingNewlines: false) }
        var out: [[String: String]] = []
        for row in read.rows.dropFirst() where !(row.fields.count == 1 && row.fields[0].isEmpty) {
            let extra = row.fields.dropFirst(names.count)
            guard row.fields.count >= names.count, extra.allSatisfy({ $0.trimmingWhitespace(includingNewlines: false).isEmpty }) else {
                throw CSVError(message: "\(file) line \(row.line) has \(row.fields.count) field(s), the header \(names.count) (\(names.joined(separator: ", "))); a value holding the separator must be quoted, and every row needs every column (empty if it has no value)")
            }
            var r: [String: String] = [:]
            for (i, n) in names.enumerated() { r[n] = row.fields[i] }
            out.append(r)
        }
        return out
    }

    /// The rows with the line each starts on, and the line of a quote left open at the end of the text (nil: none).
    static func numberedRows(_ text: String) -> (rows: [(line: Int, fields: [String])], unclosedQuoteAt: Int?) {
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let firstLine = body.prefix { $0 != "\n" }
        let sep: Character = firstLine.filter({ $0 == ";" }).count > firstLine.filter({ $0 == "," }).count ? ";" : ","
        var out: [(line: Int, fields: [String])] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var line = 1, rowLine = 1, quoteLine = 1
        var chars = Array(body)
        chars.append("\n")
        var i = 0
        while i < chars.count {
            let ch = chars[i]
            if quoted {
                if ch == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else {
                    if ch == "\n" || ch == "\r\n" { line += 1 }
                    field.append(ch)
                }
            } else if ch == "\"" && field.isEmpty {
                quoted = true
                quoteLine = line
            } else if ch == sep {
                row.append(field); field = ""
            } else if ch == "\n" || ch == "\r\n" {
                row.append(field); field = ""
                let isComment = row.first?.hasPrefix("#") == true
                if !isComment && !(row.count == 1 && row[0].trimmingWhitespace(includingNewlines: false).isEmpty) { out.append((rowLine, row)) }
                row = []
                line += 1
                rowLine = line
                i += 1
                continue
            } else if ch != "\r" {
                field.append(ch)
            }
            i += 1
        }
        return (out, quoted ? quoteLine : nil)
    }
}

/// A CSV file that cannot be read as its header says, with the line and what to do.
public struct CSVError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
