import Foundation

/// An operator's name as the audit trail keeps it and the four-eyes rules compare it.
///
/// `--user BOB`, `--user "bob "` and `BILAG_USER=Bob` are the same person as `bob`: were they compared as typed, the one
/// who corrected an invoice, or confirmed a payee account, could also approve or release it under another spelling.
public enum OperatorName {
    /// The name trimmed and lower-cased; refused when empty or holding control characters.
    public static func normalized(_ raw: String) throws -> String {
        let name = key(raw)
        guard !name.isEmpty else {
            throw BilagError("operator-unnamed", "no operator is named: every action is audited under the name of whoever takes it",
                             remedy: "give --user NAME, or set BILAG_USER")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }) else {
            throw BilagError("operator-name-invalid", "the operator name holds control characters", remedy: "give --user NAME with letters, digits and punctuation only")
        }
        return name
    }

    /// The name as compared, without the checks of `normalized` (for names already stored): compatibility characters
    /// as their plain letters (full-width `ｃａｒｏｌ` is `carol`, as it looks), lower case, spaces trimmed and runs of
    /// them one space — so that no other spelling of one person's name passes for a second person.
    public static func key(_ raw: String) -> String {
        raw.precomposedStringWithCompatibilityMapping.lowercased()
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
