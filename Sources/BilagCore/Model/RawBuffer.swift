/// A growable array of plain values in memory it manages itself, for the parsed tree and the written tree. Reading an
/// element through a pointer costs no reference counting, which a Swift `Array` held by a class does on every access.
/// Whoever owns it calls `free()` exactly once (`XMLTree` and `WrittenTree` do, in `deinit`).
public struct RawBuffer<Element: BitwiseCopyable> {
    /// The first element's address, valid until the buffer grows or is freed.
    @inlinable public var base: UnsafeMutablePointer<Element> { storage }
    /// How many elements it holds.
    @inlinable public var count: Int { used }
    @usableFromInline var storage: UnsafeMutablePointer<Element>
    @usableFromInline var used = 0
    @usableFromInline var capacity: Int

    @inlinable
    public init(capacity: Int) {
        self.capacity = max(capacity, 8)
        storage = .allocate(capacity: self.capacity)
    }

    @inlinable @inline(__always)
    public subscript(i: Int) -> Element {
        get { storage[i] }
        nonmutating set { storage[i] = newValue }
    }

    @inlinable public var isEmpty: Bool { used == 0 }

    @inlinable @inline(__always)
    public var last: Element? { used == 0 ? nil : storage[used - 1] }

    @inlinable @inline(__always)
    public mutating func append(_ e: Element) {
        if used == capacity { grow(to: used + 1) }
        (storage + used).initialize(to: e)
        used += 1
    }

    @inlinable @inline(__always)
    public mutating func append(_ p: UnsafePointer<Element>, count n: Int) {
        if used + n > capacity { grow(to: used + n) }
        (storage + used).initialize(from: p, count: n)
        used += n
    }

    @inlinable public mutating func removeLast() { used -= 1 }

    @inlinable
    mutating func grow(to needed: Int) {
        var c = capacity * 2
        while c < needed { c *= 2 }
        let fresh = UnsafeMutablePointer<Element>.allocate(capacity: c)
        fresh.moveInitialize(from: storage, count: used)
        storage.deallocate()
        storage = fresh
        capacity = c
    }

    @inlinable public func free() { storage.deallocate() }
}
