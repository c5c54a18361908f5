import BilagCore
import BilagOutbox
import BilagRobots
import BilagStore
import Logging

/// The posting dimensions robots and plans post that an ERP writer's layout does not carry. Such a dimension reaches
/// the journal but not the ERP import file (the rent robot's `tenancy`, say, under a layout with no column for it), so
/// the ledger lacks what the robot recorded. `bilag run` warns about each at start, and `robots check` lists them.
public enum DimensionCoverage {
    public struct Gap: Sendable, Equatable {
        public var writer: String
        public var dimension: String
        /// The robots (by name) and plans (`plan ID`) that post it.
        public var postedBy: [String]
    }

    /// Every dimension posted by `robots` (their `book` steps' named dimensions) or by the open plans (`plans`: name →
    /// plan ids, for a robot posting a plan's dimensions whole) that an ERP writer among `writers` does not carry.
    public static func gaps(writers: [any OutboxWriter], robots: [Robot], plans: [String: [String]]) -> [Gap] {
        var posted: [String: [String]] = [:]
        var postsPlanDimensions = false
        for r in robots {
            for case let .book(b) in r.steps {
                for d in b.dimensions {
                    if d.name == "*" { postsPlanDimensions = true } else if posted[d.name]?.contains(r.name) != true { posted[d.name, default: []].append(r.name) }
                }
            }
        }
        if postsPlanDimensions { for (name, ids) in plans { posted[name, default: []] += ids.map { "plan " + $0 } } }
        var out: [Gap] = []
        for case let erp as ERPWriter in writers {
            let carried = erp.dimensionKeys
            for (name, by) in posted.sorted(by: { $0.key < $1.key }) where !carried.contains(name) {
                out.append(Gap(writer: erp.name, dimension: name, postedBy: by))
            }
        }
        return out
    }

    /// The gaps of this configuration's ERP writers, `robots` (as loaded already) and the open plans (`store`: none
    /// before the first run).
    public static func gaps(config: BilagConfig, robots: [Robot], store: Store?) -> [Gap] {
        // A writer whose layout cannot be read is refused where the Outbox is built, with its reason.
        let writers = config.outboxWriters.filter { $0.kind == ERPWriter.kind }.compactMap { try? ERPWriter(name: $0.name, settings: $0.settings, root: config.root) }
        return gaps(writers: writers, robots: robots, plans: (try? store?.planDimensionNames()) ?? [:])
    }

    /// One warning per writer, naming each dimension it leaves out and who posts it.
    public static func warn(_ gaps: [Gap], logger: Logger) {
        for (writer, list) in Dictionary(grouping: gaps, by: \.writer).sorted(by: { $0.key < $1.key }) {
            let named = list.map { "\($0.dimension) (\(shown($0.postedBy)))" }.joined(separator: ", ")
            logger.warning("the ERP writer's layout does not carry dimensions robots or plans post: they reach the journal, not the ERP file", metadata: [
                "writer": "\(writer)", "dimensions": "\(named)",
                "remedy": "map each in the layout (field: dimension, key: NAME), or leave it out of the robots and plans",
            ])
        }
    }

    public static func shown(_ by: [String]) -> String {
        by.count <= 3 ? by.joined(separator: ", ") : by.prefix(3).joined(separator: ", ") + " and \(by.count - 3) more"
    }
}
