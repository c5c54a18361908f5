import BilagCore

/// The order of numbers, dates and strings, for `<`, `between`, `min` and `max`.
enum ValueOrdering {
    /// Negative, zero or positive as `a` is before, equal to or after `b`; nil when they have no common order.
    static func compare(_ a: Value, _ b: Value) -> Int? {
        switch (a, b) {
        case (.number(let x), .number(let y)): return Amount.compare(x, y)
        case (.date(let x), .date(let y)): return x.dayNumber - y.dayNumber
        case (.string(let x), .string(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        default: return nil
        }
    }

    /// Whether `part` occurs in `text` (an empty part always does).
    static func text(_ text: String, contains part: String) -> Bool {
        part.isEmpty || text.contains(part)
    }
}
