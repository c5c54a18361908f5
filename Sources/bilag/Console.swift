import BilagCore
import Foundation

/// Everything the CLI prints goes through a console. It masks personal ids (CPR numbers, fødselsnummer) by
/// default; only a `Reveal` — which names the user and the purpose and exists only once the opening is audited —
/// unmasks. Errors on standard error are always masked.
struct Console {
    /// The permission to show personal ids, or nil (masked).
    let reveal: Reveal?

    /// A console that masks.
    init() { reveal = nil }

    /// A console that shows personal ids when `reveal` is given.
    init(_ reveal: Reveal?) { self.reveal = reveal }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static let compactEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// Text as this console shows it: personal ids masked unless revealed, control characters written out
    /// (`TerminalText`), newlines kept (a block of lines is made safe line by line where it is built: `safeLines`).
    func shown(_ text: String) -> String { TerminalText.escaped(reveal == nil ? PersonalData.mask(text) : text, keepingNewlines: true) }

    /// Lines built from values from outside, each made one line (a newline inside a value is written out), joined.
    static func safeLines(_ lines: [String]) -> String { lines.map { TerminalText.escaped($0) }.joined(separator: "\n") }

    /// JSON text as this console shows it: masked field by field (organisation identifiers kept).
    func shownJSON(_ text: String) -> String { reveal == nil ? PersonalData.maskJSON(text) : text }

    /// One value as pretty JSON on standard output.
    func json<T: Encodable>(_ value: T) throws {
        print(shownJSON(String(decoding: try Self.encoder.encode(value), as: UTF8.self)))
    }

    /// Text this console has already masked (or was allowed to reveal); only a console makes one.
    struct Shown {
        let text: String
        fileprivate init(_ text: String) { self.text = text }
    }

    /// Values as JSON lines (one compact object a line), masked field by field, to print or write to a file.
    func jsonLines<T: Encodable>(_ values: [T]) throws -> Shown {
        var out = ""
        for v in values { out += shownJSON(String(decoding: try Self.compactEncoder.encode(v), as: UTF8.self)) + "\n" }
        return Shown(out)
    }

    /// Prints text this console made, as it is.
    func write(_ shown: Shown) { print(shown.text, terminator: "") }

    /// A line on standard output.
    func line(_ text: String) { print(shown(text)) }

    /// A line on standard error (progress, notes), always masked.
    static func note(_ text: String) { FileHandle.standardError.write(Data((TerminalText.escaped(PersonalData.mask(text), keepingNewlines: true) + "\n").utf8)) }

    /// A typed error on standard error, as the operator should read it; always masked.
    static func error(_ e: OperatorFacingError) {
        note("error: \(e.message)")
        if !e.remedy.isEmpty { note("what to do: \(e.remedy)") }
    }

    /// A plain text table with a header row.
    func table(_ header: [String], _ rows: [[String]]) {
        // Mask before measuring and cutting, so a cut never leaves part of a personal id visible.
        let rows = rows.map { $0.map { TerminalText.escaped(shown($0)) } }
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = min(60, max(widths[i], c.count)) } }
        func fmt(_ r: [String]) -> String {
            r.enumerated().map { i, c in
                let cell = c.count > widths[i] ? String(c.prefix(widths[i] - 1)) + "…" : c
                return i == r.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        line(fmt(header))
        for r in rows { line(fmt(r)) }
    }
}
