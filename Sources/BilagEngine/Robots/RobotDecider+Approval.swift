import BilagCore
import BilagRobots
import BilagStore
import Foundation

/// What an operator's approval of a robot's deviation makes of the robot's run: the robot runs again with the approved
/// deviation accepted, and where it then books, its write-backs (the rent deducted from the benefit, the order marked
/// invoiced) go with the approval — held, as the robot's own booking would be, until the case systems confirm them.
/// Without this, approving a tenancy's first rent invoice paid the landlord and never reduced the tenant's benefit.
public enum ApprovalRun: Sendable {
    /// The robot makes no write-backs when it books (or the invoice is not a robot's deviation): the approval books as it is.
    case nothingToWrite
    /// The robot, past the approved deviation, books with these write-backs.
    case writes([NewCaseUpdate], robot: String)
    /// The robot would write back when it books, but it cannot finish its run (another deviation, a case system down).
    case unfinished(robot: String, actions: [String], why: String)
}

extension RobotDecider {
    /// The robot that stopped the invoice with `reason` (its latest live decision), run again accepting that reason.
    public func approvalRun(invoiceID: String, channel: String, invoice: Invoice, robot name: String, reason: String) -> ApprovalRun {
        guard let robot = catalog.robots.first(where: { $0.name == name }) else { return .nothingToWrite }
        let actions = robot.writeBacks.map { "\($0.connector)/\($0.action)" }
        guard !actions.isEmpty else { return .nothingToWrite }
        var ctx = RobotContext(invoiceID: invoiceID, channel: channel, invoice: invoice, today: clock(), connectors: connectors, history: history, plans: plans)
        ctx.historyAsOf = (try? store.firstLiveDecision(invoice: invoiceID)) ?? nil
        ctx.accepted = [reason]
        let runner = RobotRunner(robot: robot)
        let env = runner.environment(ctx)
        guard runner.matches(env) else { return .unfinished(robot: robot.versionTag, actions: actions, why: "the robot no longer takes this invoice") }
        var unused: [TraceStep] = []   // the approval's own audit says what the run did
        let result = Self.secondLook(runner.run(ctx, in: env, matched: true), robot: robot, env: env, ctx, trace: &unused)
        guard case let .book(draft) = result.outcome else {
            return .unfinished(robot: robot.versionTag, actions: actions, why: Self.describe(result.outcome))
        }
        let updates = draft.caseUpdates.map(queued)
        return updates.isEmpty ? .nothingToWrite : .writes(updates, robot: robot.versionTag)
    }
}
