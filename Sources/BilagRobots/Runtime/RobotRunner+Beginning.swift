import BilagCore
import BilagRobotLanguage
import Foundation

extension RobotRunner {
    /// A matched run's beginning, made ahead of its turn (on an examination worker): the steps that read nothing but
    /// the invoice's values, the robot's tables and the names bound before them (`readsOnlyTheRun`), up to the first
    /// that reads a case system, history or plans, or books. Their results depend on nothing else, so `run` from here
    /// gives the same decision and trace as a run from the start; it is made with no stop accepted.
    public struct Beginning: Sendable {
        /// The environment after these steps.
        public let env: Environment
        /// The match and these steps, traced.
        public let trace: [RobotTraceStep]
        /// The first step not run.
        public let next: Int
        /// The run's result when these steps ended it (a stop, a decline, an error); `next` is then not run.
        public let ended: RobotResult?
        /// `trace` written as JSON, on the worker too.
        public let written: WrittenSteps?
    }

    /// The beginning of the run of a robot that matched `env` (`Beginning`), with no stop accepted (`ctx.accepted` is
    /// empty); the steps it runs never ask `ctx` for a case system, history or plans.
    public func runBeginning(_ ctx: RobotContext, in env: Environment) -> Beginning {
        let start = DispatchTime.now().uptimeNanoseconds
        var env = env
        var trace = [RobotTraceStep(step: "match", line: robot.matchLocation.line, inputs: nil, result: "matched", micros: Self.micros(start))]
        var i = 0, historyKey: String?
        while i < robot.steps.count, Self.readsOnlyTheRun(robot.steps[i]) {
            if var ended = step(i, ctx, env: &env, trace: &trace, historyKey: &historyKey) {
                let written = WrittenSteps(trace)
                ended.written = written
                return Beginning(env: env, trace: trace, next: i + 1, ended: ended, written: written)
            }
            i += 1
        }
        return Beginning(env: env, trace: trace, next: i, ended: nil, written: WrittenSteps(trace))
    }

    /// Whether a step reads only the environment: the invoice's values, the robot's tables and the names bound before
    /// it. Lookups, history, plans and bookings (its write-backs' keys name the invoice) read more.
    public static func readsOnlyTheRun(_ step: Step) -> Bool {
        switch step {
        case .require, .let_, .table, .check, .manual, .decline: return true
        case .lookup, .history, .plan, .book: return false
        }
    }
}
