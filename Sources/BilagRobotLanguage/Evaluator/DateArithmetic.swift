import BilagCore

/// Day arithmetic on dates that stays within the years 1–9999.
enum DateArithmetic {
    private static let first = LocalDate(year: 1, month: 1, day: 1)!.dayNumber
    private static let last = LocalDate(year: 9999, month: 12, day: 31)!.dayNumber

    /// `date` moved by `days` (negative goes back).
    static func adding(_ days: Int, to date: LocalDate) throws -> LocalDate {
        let target = date.dayNumber + days
        guard target >= first, target <= last else { throw EvaluationFailure("the date falls outside the years 1–9999") }
        return LocalDate(dayNumber: target)
    }

    /// A number of days as a whole `Int`, or a failure for `1.5` days.
    static func days(_ n: Amount) throws -> Int {
        guard let d = DecimalArithmetic.whole(n) else { throw EvaluationFailure("a number of days must be a whole number, not \(n)") }
        return d
    }
}
