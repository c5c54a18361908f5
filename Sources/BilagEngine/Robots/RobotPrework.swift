import BilagCore
import BilagRobotLanguage
import BilagRobots

/// What deciding an invoice needs from the invoice alone, worked out on the examination worker that examined it
/// (`RobotDecider.prework`) rather than on the committing thread every batch passes through: the robots' view of the
/// invoice (`InvoiceVariables`), and which robots take it, each with its environment. It depends on the invoice, the
/// robots (their tables) and the date, nothing else: `decide` uses it only under the same robots, configuration
/// (`RobotDecider.generation`) and date, and works it out again otherwise.
struct RobotPrework: DecisionPrework {
    let generation: Int
    let today: LocalDate
    let variables: [String: Value]
    /// The robots that take the invoice, in the catalog's order, each with its environment.
    let matched: [(robot: Robot, env: Environment)]

    func holds(generation now: Int, today date: LocalDate) -> Bool { generation == now && today == date }
}

extension RobotDecider {
    public func prework(_ input: DecisionInput) -> (any DecisionPrework)? {
        // An odd generation: a reload or refresh is under way, the robots may be changing.
        let generation = self.generation.load(ordering: .acquiring)
        guard generation % 2 == 0 else { return nil }
        let (robots, needs) = catalog.robotsAndNeeds
        guard !robots.isEmpty else { return nil }
        let today = clock()
        let ctx = RobotContext(invoiceID: input.invoiceID, channel: input.channel, invoice: input.invoice, today: today, connectors: [:], history: NoHistory(), plans: NoPlans(), needs: needs)
        let matched = Self.matching(robots, ctx)
        // Robots reloaded meanwhile: the view may mix two versions, so none is kept.
        guard self.generation.load(ordering: .acquiring) == generation else { return nil }
        return RobotPrework(generation: generation, today: today, variables: ctx.variables, matched: matched)
    }

    /// The robots that take the invoice of `ctx`, in order, each with its environment.
    static func matching(_ robots: [Robot], _ ctx: RobotContext) -> [(robot: Robot, env: Environment)] {
        robots.compactMap { robot in
            let runner = RobotRunner(robot: robot)
            let env = runner.environment(ctx)
            return runner.matches(env) ? (robot, env) : nil
        }
    }
}
