import Foundation

/// Where a file that should be UTF-8 is not: robot files and tables are refused naming that line.
enum UTF8Lines {
    /// The first line (from 1) whose bytes are not valid UTF-8, with its bytes; nil when every line is.
    static func firstInvalid(_ data: Data) -> (line: Int, bytes: Data)? {
        for (i, part) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() where String(data: Data(part), encoding: .utf8) == nil {
            return (i + 1, Data(part))
        }
        return nil
    }
}
