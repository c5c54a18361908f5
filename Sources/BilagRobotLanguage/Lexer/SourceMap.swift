/// Turns offsets into a piece of source text (in Unicode scalars) into file locations.
///
/// The text starts at `origin`: on its first line columns continue from the origin's column; every newline
/// in the text advances the line and starts again at column 1.
struct SourceMap: Sendable {
    /// Where the text begins in its file.
    let origin: SourceLocation
    /// The offsets at which each line of the text begins; the first is 0.
    private let lineStarts: [Int]

    /// A map for `scalars` beginning at `origin`.
    init(_ scalars: [Unicode.Scalar], origin: SourceLocation) {
        self.origin = origin
        var starts = [0]
        for (offset, scalar) in scalars.enumerated() where scalar == "\n" { starts.append(offset + 1) }
        self.lineStarts = starts
    }

    /// The file location of `offset`.
    func location(_ offset: Int) -> SourceLocation {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        if low == 0 { return SourceLocation(file: origin.file, line: origin.line, column: origin.column + offset) }
        return SourceLocation(file: origin.file, line: origin.line + low, column: offset - lineStarts[low] + 1)
    }

    /// A load-time error at `offset`.
    func error(_ message: String, at offset: Int) -> RobotLanguageError {
        RobotLanguageError(location: location(offset), message: message)
    }
}
