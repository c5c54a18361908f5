import ArgumentParser
import BilagCore
import BilagStore
import Foundation

/// The `bilag` command: the daemon and the operators' tools.
@main
struct Bilag: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bilag",
        abstract: "Accounts-payable robot work for Danish and Norwegian municipalities.",
        discussion: """
        Run `bilag run` as the daemon; work the manual queue with `bilag queue`. Personal ids are masked in all \
        output unless you open them with --reveal --purpose TEXT (audited).

        \(ExitStatus.table)
        """,
        version: "0.1.0",
        subcommands: [RunCommand.self, StoreCommand.self, ReportCommand.self, InspectCommand.self, QueueCommand.self, InvoicesCommand.self, StatusCommand.self, RobotsCommand.self, ConnectorsCommand.self, PlansCommand.self, SuppliersCommand.self, PaymentsCommand.self, DecisionsCommand.self, AuditCommand.self, BenchCommand.self],
        defaultSubcommand: nil)

    /// Parses and runs the command; every error leaves with one of the documented exit codes (`ExitStatus`).
    static func main() async {
        _ = SQLiteTuning.memoryStatisticsOff
        do {
            var command = try parseAsRoot(StateFlag.normalised(Array(CommandLine.arguments.dropFirst())))
            if var async = command as? AsyncParsableCommand { try await async.run() } else { try command.run() }
        } catch let e as OperatorFacingError {
            Console.error(e)
            Foundation.exit(ExitStatus.of(e).rawValue)
        } catch let e as ExitCode {
            Foundation.exit(e.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }   // --help, --version
            if code == .validationFailure {
                Console.note(fullMessage(for: error))
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            // A database failure in the middle of a command (a page found damaged by a query) is a state problem.
            if let typed = DatabaseTrouble.typed(error, path: nil) {
                Console.error(typed)
                Foundation.exit(ExitStatus.of(typed).rawValue)
            }
            Console.note("error: \(error)")
            Foundation.exit(ExitStatus.internalError.rawValue)
        }
    }
}
