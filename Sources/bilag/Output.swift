import BilagCore
import Foundation

/// Printing for people and scripts; CPR numbers are masked unless the operator opened the invoice.
enum Output {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func json<T: Encodable>(_ value: T, reveal: Bool = false) throws {
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        print(reveal ? text : PersonalData.maskCPR(text))
    }

    static func line(_ text: String, reveal: Bool = false) {
        print(reveal ? text : PersonalData.maskCPR(text))
    }

    /// A plain text table with a header row.
    static func table(_ header: [String], _ rows: [[String]], reveal: Bool = false) {
        // Mask before measuring and cutting, so a cut never leaves part of a CPR number visible.
        let rows = reveal ? rows : rows.map { $0.map(PersonalData.maskCPR) }
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = min(60, max(widths[i], c.count)) } }
        func fmt(_ r: [String]) -> String {
            r.enumerated().map { i, c in
                let cell = c.count > widths[i] ? String(c.prefix(widths[i] - 1)) + "…" : c
                return i == r.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        line(fmt(header), reveal: reveal)
        for r in rows { line(fmt(r), reveal: reveal) }
    }
}
