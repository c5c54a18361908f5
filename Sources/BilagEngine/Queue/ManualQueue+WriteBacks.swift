import BilagCore
import BilagStore

extension ManualQueue {
    /// The write-backs an approval makes: those of the robot that stopped the invoice, run on past the approved
    /// deviation (`RobotDecider.approvalRun`). None for an invoice no robot stopped, for a robot that writes nothing
    /// back, or for one whose write-backs were queued before (refused or given up: approving books it by hand, and
    /// `bilag report check` lists it). `detail` is what the approval's audit says about them.
    func robotWriteBacks(_ r: InvoiceRecord, robot: StoredDecision?, invoice: Invoice?, withoutWriteBacks: Bool) throws -> (updates: [NewCaseUpdate], detail: String?) {
        guard let robot, let reason = r.reasonCode, robot.outcome != "booked", robot.reasonCode == reason, let invoice,
              let decider = pipeline.decider as? RobotDecider, try store.caseUpdates(invoice: r.id).isEmpty else { return ([], nil) }
        switch decider.approvalRun(invoiceID: r.id, channel: r.channel, invoice: invoice, robot: robot.robot, reason: reason) {
        case .nothingToWrite:
            return ([], nil)
        case let .writes(updates, name):
            let list = updates.map { "\($0.connector)/\($0.action)" }.joined(separator: ", ")
            if withoutWriteBacks { return ([], "not made (--without-write-backs, done by hand): \(list)") }
            return (updates, "robot \(name) ran on past \(reason) and books with \(list); the booking is held until the case system confirms")
        case let .unfinished(name, actions, why):
            let list = actions.joined(separator: ", ")
            if withoutWriteBacks { return ([], "not made (--without-write-backs, done by hand): \(list); the robot could not finish: \(PersonalData.maskCPR(why))") }
            throw BilagError("write-backs-not-made", "robot \(name) writes back (\(list)) when it books, but past \(reason) it cannot finish its run on invoice \(r.id): \(PersonalData.maskCPR(why))",
                             remedy: "fix what stops it and approve again (or `bilag queue retry` it), or make the write-backs in the case system by hand and approve with --without-write-backs (audited)")
        }
    }
}
