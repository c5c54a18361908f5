/// Keeps CPR numbers out of logs, metrics and screens.
public enum PersonalData {
    /// Replaces every CPR-shaped number (a real date in its first six digits, with or without the dash) by `DDMMYY-XXXX`.
    ///
    /// Used on every log line and on CLI/UI output unless the operator opened the invoice.
    public static func maskCPR(_ text: String) -> String {
        // Fast path: without a run of six digits there is nothing a CPR number could start.
        var run = 0, longest = 0
        for b in text.utf8 {
            if b >= 48 && b <= 57 { run += 1; if run > longest { longest = run } } else { run = 0 }
        }
        guard longest >= 6 else { return text }
        let bytes = Array(text.utf8)
        guard bytes.count >= 10 else { return text }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var masked = false
        var i = 0
        func isDigit(_ j: Int) -> Bool { j < bytes.count && bytes[j] >= 48 && bytes[j] <= 57 }
        while i < bytes.count {
            let boundaryBefore = i == 0 || !isDigit(i - 1)
            if boundaryBefore, (0..<6).allSatisfy({ isDigit(i + $0) }) {
                let dash = i + 6 < bytes.count && bytes[i + 6] == UInt8(ascii: "-")
                let tail = dash ? i + 7 : i + 6
                if (0..<4).allSatisfy({ isDigit(tail + $0) }), !isDigit(tail + 4) {
                    let candidate = String(decoding: bytes[i..<i + 6] + bytes[tail..<tail + 4], as: UTF8.self)
                    if Identifiers.cprBirthDate(candidate) != nil {
                        out.append(contentsOf: bytes[i..<i + 6])
                        out.append(contentsOf: Array("-XXXX".utf8))
                        masked = true
                        i = tail + 4
                        continue
                    }
                }
            }
            out.append(bytes[i])
            i += 1
        }
        // Claim ids and timestamps have runs of six digits and are no CPR numbers: hand the text back as it was.
        return masked ? String(decoding: out, as: UTF8.self) : text
    }
}
