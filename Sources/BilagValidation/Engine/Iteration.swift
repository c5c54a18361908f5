/// Iteration that borrows elements from the array's storage instead of copying them.
///
/// `for x in array` hands out copies: for an `InvoiceLine` (some twenty reference-counted fields) that is twenty
/// retains and releases per line per rule, which was most of the validation time. These helpers read the elements
/// in place through the array's buffer.
extension Array {
    /// Calls `body` with each index and a borrowed view of the element, in order.
    @inline(__always)
    func each(_ body: (Int, Borrowed<Element>) throws -> Void) rethrows {
        try withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return }
            for i in 0..<b.count { try body(i, Borrowed(base + i)) }
        }
    }

    /// True when `predicate` holds for every element (true for an empty array).
    @inline(__always)
    func allBorrowed(_ predicate: (Borrowed<Element>) throws -> Bool) rethrows -> Bool {
        try withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return true }
            for i in 0..<b.count where try !predicate(Borrowed(base + i)) { return false }
            return true
        }
    }

    /// True when `predicate` holds for some element.
    @inline(__always)
    func anyBorrowed(_ predicate: (Borrowed<Element>) throws -> Bool) rethrows -> Bool {
        try withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return false }
            for i in 0..<b.count where try predicate(Borrowed(base + i)) { return true }
            return false
        }
    }

    /// The number of elements `predicate` holds for.
    @inline(__always)
    func countBorrowed(_ predicate: (Borrowed<Element>) throws -> Bool) rethrows -> Int {
        try withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return 0 }
            var n = 0
            for i in 0..<b.count where try predicate(Borrowed(base + i)) { n += 1 }
            return n
        }
    }
}

/// A read-only view of an array element in place, for the rule closures: `line.itemName` reads just that field.
///
/// Passing an element itself to a closure stored in a rule makes Swift copy the whole element first (it cannot
/// prove the closure leaves the array alone); for an `InvoiceLine` that is some twenty retains and releases.
/// Valid only during the call it is handed to.
@dynamicMemberLookup
public struct Borrowed<Element> {
    @usableFromInline let pointer: UnsafePointer<Element>

    @inlinable init(_ pointer: UnsafePointer<Element>) { self.pointer = pointer }

    @inlinable
    public subscript<Value>(dynamicMember path: KeyPath<Element, Value>) -> Value {
        pointer.pointee[keyPath: path]
    }

    /// A copy of the element (for messages).
    @inlinable public var copy: Element { pointer.pointee }
}
