import Foundation

/// Text as an ERP file holds it, in the layout's character set.
///
/// ISO-8859-1 holds one byte per character: a value is composed first (a decomposed "é" is one letter), a character
/// outside the set is written as its nearest Latin-1 letter or sign where there is one ("ő" → "o", "Ł" → "L", "–" →
/// "-", "’" → "'") and as `?` otherwise, so every character stays one byte and fixed widths hold. (Foundation's lossy
/// conversion gives no bytes at all on Linux for text with one such character: the whole file could not be written.)
/// In a fixed-width record, line breaks (NEL and the line and paragraph separators too), tabs and other control
/// characters are spaces: a record is one line.
enum ERPText {
    /// `raw` as a field of a record holds it.
    static func value(_ raw: String, charset: ERPLayout.Charset, fixed: Bool) -> String {
        // Most values (accounts, amounts, dates, codes) are printable ASCII: nothing to do.
        if raw.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return raw }
        let composed = raw.precomposedStringWithCanonicalMapping
        guard charset == .latin1 || fixed else { return composed }
        var out = ""
        out.reserveCapacity(composed.utf8.count)
        for c in composed {
            let scalars = c.unicodeScalars
            if fixed, scalars.allSatisfy(isBreakOrControl) { out.append(" "); continue }
            if charset == .latin1 { out.append(latin1(c)) } else { out.append(c) }
        }
        return out
    }

    /// A control character (C0, DEL, C1: NEL U+0085 is one) or a line or paragraph separator (U+2028, U+2029).
    static func isBreakOrControl(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    /// One character in ISO-8859-1: itself, its nearest Latin-1 spelling of one character, or `?`.
    static func latin1(_ c: Character) -> Character {
        let scalars = c.unicodeScalars
        guard let first = scalars.first else { return "?" }
        if scalars.count == 1, first.value <= 0xFF { return c }
        if scalars.count == 1, let spelled = CGILatin.spelled[first], spelled.count == 1, let s = spelled.first, s.unicodeScalars.allSatisfy({ $0.value <= 0xFF }) { return s }
        // A letter with marks Latin-1 lacks ("ő", "ą"): the letter; Latin-1's own accented letters compose back.
        let bare = String(c).decomposedStringWithCanonicalMapping.unicodeScalars.filter { $0.properties.generalCategory != .nonspacingMark }
        if let b = bare.first, bare.count == 1, b.value <= 0xFF { return Character(b) }
        return "?"
    }

    /// The file's bytes: UTF-8, or one byte per scalar of ISO-8859-1 (anything beyond it as `?`).
    static func encode(_ text: String, _ charset: ERPLayout.Charset) -> Data {
        guard charset == .latin1 else { return Data(text.utf8) }
        var out = Data()
        out.reserveCapacity(text.unicodeScalars.count)
        for s in text.unicodeScalars { out.append(s.value <= 0xFF ? UInt8(s.value) : 0x3F) }
        return out
    }
}
