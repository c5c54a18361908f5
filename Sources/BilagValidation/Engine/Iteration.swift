/// Iteration that borrows elements from the array's storage instead of copying them.
///
/// `for x in array` hands out copies: for an `InvoiceLine` (some twenty reference-counted fields) that is twenty
/// retains and releases per line per rule, which was most of the validation time. These helpers read the elements
/// in place through the array's buffer.
extension Array {
    /// Calls `body` with each index and element, in order.
    @inline(__always)
    func each(_ body: (Int, Element) throws -> Void) rethrows {
        try withUnsafeBufferPointer { b in
            for i in 0..<b.count { try body(i, b[i]) }
        }
    }

    /// True when `predicate` holds for every element (true for an empty array).
    @inline(__always)
    func allBorrowed(_ predicate: (Element) throws -> Bool) rethrows -> Bool {
        try withUnsafeBufferPointer { b in
            for i in 0..<b.count where try !predicate(b[i]) { return false }
            return true
        }
    }

    /// True when `predicate` holds for some element.
    @inline(__always)
    func anyBorrowed(_ predicate: (Element) throws -> Bool) rethrows -> Bool {
        try withUnsafeBufferPointer { b in
            for i in 0..<b.count where try predicate(b[i]) { return true }
            return false
        }
    }

    /// The number of elements `predicate` holds for.
    @inline(__always)
    func countBorrowed(_ predicate: (Element) throws -> Bool) rethrows -> Int {
        try withUnsafeBufferPointer { b in
            var n = 0
            for i in 0..<b.count where try predicate(b[i]) { n += 1 }
            return n
        }
    }
}
