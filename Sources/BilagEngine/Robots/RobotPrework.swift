import BilagCore
import BilagRobotLanguage
import BilagRobots

/// What deciding an invoice needs from the invoice alone, worked out on the examination worker that examined it
/// (`RobotDecider.prework`) rather than on the committing thread every batch passes through: the robots' view of the
/// invoice (`InvoiceVariables`), which robots take it, each with its environment, and the beginning of each one's run
/// (the steps that read the invoice alone). It depends on the invoice, the
/// robots (their tables) and the date, nothing else: `decide` uses it only under the same robots, configuration
/// (`RobotDecider.generation`) and date, and works it out again otherwise.
struct RobotPrework: DecisionPrework {
    let generation: Int
    let today: LocalDate
    let variables: [String: Value]
    /// The robots that take the invoice, in the catalog's order, each with its environment.
    let matched: [(robot: Robot, env: Environment)]
    /// For each of `matched`, the beginning of its run (`RobotRunner.Beginning`): the steps that read the invoice
    /// alone, run here so the committing thread goes on from the first that reads a case system, history or plans.
    var beginnings: [RobotRunner.Beginning] = []

    /// The beginning of the run of `matched[i]`, when one was made.
    func beginning(_ i: Int) -> RobotRunner.Beginning? { i < beginnings.count ? beginnings[i] : nil }

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
        let beginnings = matched.map { RobotRunner(robot: $0.robot).runBeginning(ctx, in: $0.env) }
        // Robots reloaded meanwhile: the view may mix two versions, so none is kept.
        guard self.generation.load(ordering: .acquiring) == generation else { return nil }
        return RobotPrework(generation: generation, today: today, variables: ctx.variables, matched: matched, beginnings: beginnings)
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
