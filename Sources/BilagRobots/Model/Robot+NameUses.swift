import BilagRobotLanguage

extension Robot {
    /// What the robot's expressions and templates read of each name: every one it holds, in its steps, match, tables
    /// and messages, found by reflection so that a step or setting added later is counted without being listed here.
    public var nameUses: NameUses {
        var uses = NameUses()
        Self.collect(self, into: &uses, depth: 0)
        return uses
    }

    private static func collect(_ subject: Any, into uses: inout NameUses, depth: Int) {
        switch subject {
        case let e as Expression: uses.formUnion(e.nameUses)
        case let t as Template: uses.formUnion(t.nameUses)
        // Data, not expressions: a table's rows may be many; caches other threads fill are not looked into.
        case is Value, is [Value], is [String: Value], is [[String: Value]], is String, is Int, is Bool, is SourceLocation, is NotRobotModel: return
        default:
            precondition(depth < 64, "robot model nested deeper than expected")
            for child in Mirror(reflecting: subject).children { collect(child.value, into: &uses, depth: depth + 1) }
        }
    }
}

/// What the reflection over a robot (`nameUses`) does not look into: state that is not the robot's file, such as a
/// table's cache that the examination workers fill while the robots are reloaded.
protocol NotRobotModel {}

extension ComputedCache: NotRobotModel {}
