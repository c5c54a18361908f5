/// A step of a trace that writes itself as a JSON object, byte for byte as `JSONEncoder` (`.sortedKeys`,
/// `.withoutEscapingSlashes`) writes it: the pipeline's decision trace (`TraceStep`) and a robot's (`RobotTraceStep`).
public protocol JSONTraceStep {
    /// Appends the step as a JSON object; false when a text holds a control character (the encoder writes it then).
    func appendJSON(to out: inout [UInt8]) -> Bool
    /// What tells this step from an edited one cheaply: its numbers and the lengths of its texts, combined.
    var fingerprint: Int { get }
}

/// The first steps of a trace written as JSON objects, comma-separated, without the brackets: on an examination worker,
/// so the committing thread writes only the rest (`array`). Taken for a trace only while its first `count` steps still
/// have the fingerprint they were written with; a trace changed since is written whole.
public struct WrittenSteps: Sendable {
    public let count: Int
    @usableFromInline let bytes: [UInt8]
    @usableFromInline let fingerprint: Int

    /// `steps` written; nil when a text holds a control character.
    /// (Inlinable, as are the others below: made for the callers' own step types, not looked up at run time.)
    @inlinable public init?<S: JSONTraceStep>(_ steps: [S]) {
        var out = [UInt8]()
        out.reserveCapacity(steps.count * 128)
        for (i, s) in steps.enumerated() {
            if i > 0 { out.append(0x2C) }
            guard s.appendJSON(to: &out) else { return nil }
        }
        count = steps.count
        bytes = out
        fingerprint = Self.fingerprint(steps[...])
    }

    /// Whether these are the first steps of `trace` as they were written.
    @inlinable public func begin<S: JSONTraceStep>(_ trace: [S]) -> Bool {
        count <= trace.count && Self.fingerprint(trace[..<count]) == fingerprint
    }

    /// `steps` as a JSON array, beginning with `first` when it still begins them; nil when a text holds a control
    /// character.
    @inlinable public static func array<S: JSONTraceStep>(_ steps: [S], first: WrittenSteps?) -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(16 + 128 * steps.count)
        out.append(0x5B)
        var from = 0
        if let first, first.count > 0, first.begin(steps) {
            out.append(contentsOf: first.bytes)
            from = first.count
        }
        for i in from..<steps.count {
            if i > 0 { out.append(0x2C) }
            guard steps[i].appendJSON(to: &out) else { return nil }
        }
        out.append(0x5D)
        return out
    }

    @inlinable static func fingerprint<S: JSONTraceStep>(_ steps: ArraySlice<S>) -> Int {
        steps.reduce(steps.count) { combine($0, $1.fingerprint) }
    }

    /// `h` with `n` combined into it: a step's numbers, one after another, make its fingerprint
    /// (`JSONTraceStep.fingerprint`) without an array made for them.
    @inline(__always)
    public static func combine(_ h: Int, _ n: Int) -> Int { h &* 1_000_003 &+ n }
}
