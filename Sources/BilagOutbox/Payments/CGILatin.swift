import BilagCore
import Foundation

/// The character set of pain.001 text fields, as the Common Global Implementation (CGI-MP) guide and the Danish and
/// Norwegian banks take it: the ISO 20022 Latin set (`a-z A-Z 0-9 / - ? : ( ) . , ' +` and space) with the Nordic
/// letters Æ Ø Å Ä Ö Ü É (either case). Text is composed first (a decomposed "å" is one letter), a letter outside the set
/// loses its accents ("ñ" → "n", "ł" → "l"), a few have spellings of their own ("ß" → "ss", "&" → "+"), and anything
/// else becomes ".". Lengths are counted as XML Schema counts `Max70Text`, in Unicode scalars (code points).
public enum CGILatin {
    static let basic = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ".unicodeScalars)
    static let nordic = Set("ÆØÅæøåÄÖÜäöüÉé".unicodeScalars)
    static let spelled: [Unicode.Scalar: String] = [
        "ß": "ss", "&": "+", "Ð": "D", "ð": "d", "Þ": "Th", "þ": "th", "Œ": "OE", "œ": "oe", "Ł": "L", "ł": "l", "Đ": "D", "đ": "d",
        "Ħ": "H", "ħ": "h", "ı": "i", "–": "-", "—": "-", "‘": "'", "’": "'", "\u{201C}": "'", "\u{201D}": "'", "\"": "'", "«": "'", "»": "'", "…": "...",
    ]

    /// True when `s` holds only characters of the set.
    public static func isValid(_ s: String) -> Bool { s.unicodeScalars.allSatisfy { basic.contains($0) || nordic.contains($0) } }

    /// `s` in the set: composed, line breaks and tabs as spaces, trimmed, mapped, and cut to `max` scalars.
    public static func text(_ s: String, max: Int) -> String {
        var out = String.UnicodeScalarView()
        for c in s.precomposedStringWithCanonicalMapping.unicodeScalars {
            out.append(contentsOf: map(c).unicodeScalars)
        }
        let trimmed = String(out).trimmingWhitespace()
        return String(String.UnicodeScalarView(trimmed.unicodeScalars.prefix(max))).trimmingWhitespace()
    }

    /// One scalar in the set: itself, spelled otherwise, without its accents, a space for white space, or ".".
    static func map(_ c: Unicode.Scalar) -> String {
        if basic.contains(c) || nordic.contains(c) { return String(c) }
        if c.properties.isWhitespace || c.value < 0x20 { return " " }
        if let s = spelled[c] { return s }
        let bare = String(c).decomposedStringWithCanonicalMapping.unicodeScalars.filter { !$0.properties.isDiacritic && $0.properties.generalCategory != .nonspacingMark }
        if !bare.isEmpty, bare.allSatisfy({ basic.contains($0) }) { return String(String.UnicodeScalarView(bare)) }
        return "."
    }
}
