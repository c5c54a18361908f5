import ArgumentParser
import BilagCore
import Foundation

/// The `bilag` command: the daemon and the operators' tools.
@main
struct Bilag: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bilag",
        abstract: "Accounts-payable robot work for Danish and Norwegian municipalities.",
        discussion: "Run `bilag run` as the daemon; work the manual queue with `bilag queue`.",
        version: "0.1.0",
        subcommands: [RunCommand.self, StoreCommand.self, InspectCommand.self, QueueCommand.self, InvoicesCommand.self, StatusCommand.self, RobotsCommand.self, PlansCommand.self, DecisionsCommand.self, BenchCommand.self],
        defaultSubcommand: nil)

    /// Runs a command body, printing typed errors as the operator should read them and exiting non-zero.
    static func guarded<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as OperatorFacingError {
            FileHandle.standardError.write(Data("error: \(PersonalData.maskCPR(e.message))\n".utf8))
            if !e.remedy.isEmpty { FileHandle.standardError.write(Data("what to do: \(PersonalData.maskCPR(e.remedy))\n".utf8)) }
            throw ExitCode(2)
        }
    }
}
