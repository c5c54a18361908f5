/// SplitMix64: a tiny, fast, well-distributed generator whose whole state is one 64-bit word, so every invoice can
/// have its own stream derived from (seed, index) and `invoice(index:)` is random access and reproducible.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A stream for one item of a seeded sequence: independent of every other index, the same on every run.
    public init(seed: UInt64, stream: UInt64, index: UInt64) {
        state = SplitMix64.mix(seed ^ SplitMix64.mix(stream &* 0x9E37_79B9_7F4A_7C15 ^ SplitMix64.mix(index &+ 0x632B_E59B_D9B4_E019)))
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 finaliser.
    @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `range` (unbiased enough for test data: modulo of a 64-bit draw over small ranges).
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound + 1)
        return range.lowerBound + Int(next() % span)
    }

    /// A uniform Int64 in `range`.
    public mutating func int64(_ range: ClosedRange<Int64>) -> Int64 {
        let span = UInt64(range.upperBound - range.lowerBound + 1)
        return range.lowerBound + Int64(next() % span)
    }

    /// True with probability `percent` / 100.
    public mutating func chance(_ percent: Int) -> Bool { Int(next() % 100) < percent }

    /// One element of a non-empty array.
    public mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
}
