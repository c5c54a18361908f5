import ArgumentParser
import BilagCore
import Foundation

/// The exit codes of every `bilag` command, one documented set (README, `bilag --help`).
enum ExitStatus: Int32, CaseIterable {
    /// Done.
    case ok = 0
    /// The command line is wrong: an unknown flag, a missing or malformed argument. The usage text is printed.
    case usage = 1
    /// Refused: an operator error (unknown or ambiguous id, an invoice in the wrong state, `--reveal` without
    /// `--purpose`, segregation of duties, a file that cannot be read). The message says what to do.
    case refused = 2
    /// No bilag root here (no `bilag.yaml` and no state database), or its configuration is invalid.
    case configuration = 3
    /// A state problem: no state database yet, a database that cannot be opened or is damaged, a state folder or
    /// Outbox that cannot be written.
    case state = 4
    /// A check found problems: `robots check` with errors, `inspect` of a file that is no invoice, a `bench` run
    /// that left a file without an outcome.
    case checkFailed = 5
    /// An unexpected error inside bilag: report it with the message.
    case internalError = 70

    /// The table printed in `bilag --help` and README.
    static let table = """
    Exit codes: 0 done; 1 usage (unknown flag, missing argument); 2 refused (an operator error: unknown or \
    ambiguous id, wrong state, --reveal without --purpose; the message says what to do); 3 not a bilag root or \
    invalid configuration; 4 state problem (no state database yet, database damaged or unreadable, state folder not \
    writable); 5 a check found problems (robots check, inspect of a non-invoice, bench); 70 unexpected error.
    """

    /// The exit code for a typed error, by its code.
    static func of(_ error: OperatorFacingError) -> ExitStatus {
        switch error.code {
        case "not-a-root", "config-invalid", "config-missing", "config-unreadable": return .configuration
        case "no-state", "database-unavailable", "database-corrupt", "state-unwritable", "outbox-unwritable", "file-unwritable", "claim-failed", "state-locked", "root-locked", "store-behind-outbox": return .state
        case "check-failed": return .checkFailed
        default: return .refused
        }
    }

    /// An `ExitCode` to throw for this status.
    var code: ExitCode { ExitCode(rawValue) }
}
