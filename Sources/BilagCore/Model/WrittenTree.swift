#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Synchronization

/// The document's elements as written: local name, own text (not trimmed) and attributes, in document order, for
/// validation rules that are stated on the document itself (the OIOUBL Schematron judges a few hundred paths).
/// The canonical invoice stays the tolerant reading for the robots; this is read by validation only.
///
/// Flat arrays over one byte buffer, copied from the parser's tree in one pass: no string is built until a rule asks
/// for one, and names are compared as bytes. Namespaces are not kept: in a UBL document the rules' paths are all
/// `cac:`/`cbc:` elements, whose local names are unique among the namespaces a UBL document uses there.
public final class WrittenTree: @unchecked Sendable {
    public struct Node: Sendable, BitwiseCopyable {
        public var nameStart: Int32
        public var nameLength: Int32
        /// The element's own text; `textStart < 0` when it has none (an empty element).
        public var textStart: Int32
        public var textLength: Int32
        public var firstChild: Int32
        public var nextSibling: Int32
        public var firstAttribute: Int32
        public var attributeCount: Int32
        public init(nameStart: Int32, nameLength: Int32, textStart: Int32, textLength: Int32, firstChild: Int32,
                    nextSibling: Int32, firstAttribute: Int32, attributeCount: Int32) {
            self.nameStart = nameStart; self.nameLength = nameLength; self.textStart = textStart
            self.textLength = textLength; self.firstChild = firstChild; self.nextSibling = nextSibling
            self.firstAttribute = firstAttribute; self.attributeCount = attributeCount
        }
    }

    /// An attribute without namespace: its local name and value in `bytes`.
    public struct Attribute: Sendable, BitwiseCopyable {
        public var nameStart: Int32
        public var nameLength: Int32
        public var valueStart: Int32
        public var valueLength: Int32
        public init(nameStart: Int32, nameLength: Int32, valueStart: Int32, valueLength: Int32) {
            self.nameStart = nameStart; self.nameLength = nameLength; self.valueStart = valueStart; self.valueLength = valueLength
        }
    }

    /// The elements, their attributes and the bytes they refer to, in buffers of the tree's own, which
    /// `WrittenElement` reads through plain pointers (immutable, freed with the tree): navigation then does no
    /// reference counting at all.
    @usableFromInline let nodeBuffer: UnsafeMutablePointer<Node>
    @usableFromInline let attributeBuffer: UnsafeMutablePointer<Attribute>
    @usableFromInline let byteBuffer: UnsafeMutablePointer<UInt8>

    /// One object validation derives from the tree (the places its rules are stated on), made once and kept with
    /// the tree (`memo`): an `Unmanaged` reference, 0 until set; set once, without a lock.
    @usableFromInline let memoSlot = Atomic<UInt>(0)

    /// Takes over the buffers (as `XMLTree` takes its builder's): the tree frees them.
    public init(nodes: RawBuffer<Node>, attributes: RawBuffer<Attribute>, bytes: RawBuffer<UInt8>) {
        nodeBuffer = nodes.base; attributeBuffer = attributes.base; byteBuffer = bytes.base
    }

    deinit {
        let m = memoSlot.load(ordering: .acquiring)
        if m != 0 { Unmanaged<AnyObject>.fromOpaque(UnsafeRawPointer(bitPattern: m)!).release() }
        nodeBuffer.deallocate()
        attributeBuffer.deallocate()
        byteBuffer.deallocate()
    }

    /// The object `make` builds from this tree, built at most once per tree and kept with it (two threads asking at
    /// once may both build it; one is kept). Every caller must ask for the same type `T`.
    @inlinable
    public func memo<T: AnyObject>(_ make: () -> T) -> T {
        let m = memoSlot.load(ordering: .acquiring)
        if m != 0 { return Unmanaged<T>.fromOpaque(UnsafeRawPointer(bitPattern: m)!).takeUnretainedValue() }
        let made = make()
        let raw = UInt(bitPattern: Unmanaged.passRetained(made).toOpaque())
        let (exchanged, original) = memoSlot.compareExchange(expected: 0, desired: raw, ordering: .acquiringAndReleasing)
        if exchanged { return made }
        Unmanaged<T>.fromOpaque(UnsafeRawPointer(bitPattern: raw)!).release()
        return Unmanaged<T>.fromOpaque(UnsafeRawPointer(bitPattern: original)!).takeUnretainedValue()
    }

    /// The document element (node 0).
    public var root: WrittenElement { WrittenElement(tree: self, index: 0) }

    @inlinable @inline(__always)
    static func equals(_ bytes: UnsafePointer<UInt8>, _ start: Int32, _ length: Int32, _ s: StaticString) -> Bool {
        guard Int(length) == s.utf8CodeUnitCount else { return false }
        // Names are short: a loop beats a call to memcmp.
        let p = s.utf8Start, b = bytes + Int(start)
        var i = 0
        while i < Int(length) {
            if b[i] != p[i] { return false }
            i += 1
        }
        return true
    }

    @inlinable @inline(__always)
    static func string(_ bytes: UnsafePointer<UInt8>, _ start: Int32, _ length: Int32) -> String {
        String(decoding: UnsafeBufferPointer(start: bytes + Int(start), count: Int(length)), as: UTF8.self)
    }
}

/// One element of a `WrittenTree`, navigated the way an XPath location path reads it: child steps by local name.
///
/// It refers to its tree without retaining it (`unowned(unsafe)`): the rules walk thousands of elements a document,
/// and a retain and release on every copy cost more than the walk. An element is valid while its tree is held —
/// by the `ParsedDocument` under validation, or by whoever keeps elements (`OIOUBLPlaces` keeps the tree with them).
public struct WrittenElement: @unchecked Sendable {
    public unowned(unsafe) let tree: WrittenTree
    public let index: Int32
    @usableFromInline let nodes: UnsafePointer<WrittenTree.Node>
    @usableFromInline let bytes: UnsafePointer<UInt8>

    public init(tree: WrittenTree, index: Int32) {
        self.tree = tree; self.index = index
        nodes = UnsafePointer(tree.nodeBuffer); bytes = UnsafePointer(tree.byteBuffer)
    }

    @inlinable @inline(__always) init(_ other: WrittenElement, _ index: Int32) {
        tree = other.tree; self.index = index; nodes = other.nodes; bytes = other.bytes
    }

    @inlinable @inline(__always) var node: WrittenTree.Node { nodes[Int(index)] }
    @inlinable @inline(__always) func named(_ n: WrittenTree.Node, _ local: StaticString) -> Bool {
        WrittenTree.equals(bytes, n.nameStart, n.nameLength, local)
    }

    /// The local name.
    public var name: String { let n = node; return WrittenTree.string(bytes, n.nameStart, n.nameLength) }

    /// True when the local name is `local`.
    @inlinable @inline(__always)
    public func `is`(_ local: StaticString) -> Bool { named(node, local) }

    /// The first child element named `local`.
    @inlinable
    public func child(_ local: StaticString) -> WrittenElement? {
        var c = node.firstChild
        while c >= 0 {
            let n = nodes[Int(c)]
            if named(n, local) { return WrittenElement(self, c) }
            c = n.nextSibling
        }
        return nil
    }

    /// Every child element named `local`, in document order.
    @inlinable
    public func children(_ local: StaticString) -> [WrittenElement] {
        var out: [WrittenElement] = []
        var c = node.firstChild
        while c >= 0 {
            let n = nodes[Int(c)]
            if named(n, local) { out.append(WrittenElement(self, c)) }
            c = n.nextSibling
        }
        return out
    }

    /// Every child element.
    public var allChildren: [WrittenElement] {
        var out: [WrittenElement] = []
        var c = node.firstChild
        while c >= 0 { out.append(WrittenElement(self, c)); c = nodes[Int(c)].nextSibling }
        return out
    }

    /// Calls `body` with each child element, in document order (no array built).
    @inlinable
    public func forEachChild(_ body: (WrittenElement) -> Void) {
        var c = node.firstChild
        while c >= 0 { body(WrittenElement(self, c)); c = nodes[Int(c)].nextSibling }
    }

    /// How many child elements are named `local` (`count(x)`).
    @inlinable
    public func count(_ local: StaticString) -> Int {
        var k = 0
        var c = node.firstChild
        while c >= 0 {
            let n = nodes[Int(c)]
            if named(n, local) { k += 1 }
            c = n.nextSibling
        }
        return k
    }

    /// The elements a relative path of child steps selects (`a/b/c`: every `c` of every `b` of every `a`).
    public func select(_ path: [StaticString]) -> [WrittenElement] {
        var out: [WrittenElement] = []
        collect(path[...], into: &out)
        return out
    }

    /// Appends what `path` selects from here, in document order, building no array on the way.
    func collect(_ path: ArraySlice<StaticString>, into out: inout [WrittenElement]) {
        guard let step = path.first else { out.append(self); return }
        let rest = path.dropFirst()
        var c = node.firstChild
        while c >= 0 {
            let n = nodes[Int(c)]
            if named(n, step) { WrittenElement(self, c).collect(rest, into: &out) }
            c = n.nextSibling
        }
    }

    /// The element's own text as written (not trimmed); "" when it has none: XPath's string value of a leaf.
    public var text: String {
        let n = node
        return n.textStart < 0 ? "" : WrittenTree.string(bytes, n.textStart, n.textLength)
    }

    /// True when the element's own text is exactly `v` (no string is built).
    @inlinable
    public func textEquals(_ v: String) -> Bool {
        let n = node
        var v = v
        if n.textStart < 0 { return v.isEmpty }
        return v.withUTF8 { u in
            u.count == Int(n.textLength) && (u.isEmpty || memcmp(bytes + Int(n.textStart), u.baseAddress!, u.count) == 0)
        }
    }

    /// Calls `body` with each child element named `local` until it returns true; true when one did.
    @inlinable
    public func anyChild(_ local: StaticString, _ body: (WrittenElement) -> Bool) -> Bool {
        var c = node.firstChild
        while c >= 0 {
            let n = nodes[Int(c)]
            if named(n, local), body(WrittenElement(self, c)) { return true }
            c = n.nextSibling
        }
        return false
    }

    /// `string(x)` of the first child named `local`: its text as written, "" when there is no such child.
    public func string(_ local: StaticString) -> String { child(local)?.text ?? "" }

    /// The element's own text as written, as bytes valid while the tree is held; empty when it has none.
    @inlinable
    public var textBytes: UnsafeBufferPointer<UInt8> {
        let n = node
        return n.textStart < 0 ? UnsafeBufferPointer(start: bytes, count: 0) : UnsafeBufferPointer(start: bytes + Int(n.textStart), count: Int(n.textLength))
    }

    /// An attribute without namespace as bytes valid while the tree is held; nil when missing.
    @inlinable
    public func attributeBytes(_ local: StaticString) -> UnsafeBufferPointer<UInt8>? {
        let n = node
        let attributes = UnsafePointer(tree.attributeBuffer)
        var i = Int(n.firstAttribute)
        let end = i + Int(n.attributeCount)
        while i < end {
            let a = attributes[i]
            if WrittenTree.equals(bytes, a.nameStart, a.nameLength, local) { return UnsafeBufferPointer(start: bytes + Int(a.valueStart), count: Int(a.valueLength)) }
            i += 1
        }
        return nil
    }

    /// An attribute without namespace exactly as written; nil when missing.
    public func attribute(_ local: StaticString) -> String? {
        attributeBytes(local).map { String(decoding: $0, as: UTF8.self) }
    }
}

extension String {
    /// XPath's `normalize-space(.)`: XML whitespace runs collapsed to one space, none at either end.
    public var xpathNormalizedSpace: String {
        // Most values are already normal: no tab or line break, no space at either end, no two spaces in a row.
        var previousSpace = true, clean = true
        for c in utf8 {
            if c == 0x09 || c == 0x0A || c == 0x0D || (c == 0x20 && previousSpace) { clean = false; break }
            previousSpace = c == 0x20
        }
        if clean && !previousSpace { return self }
        if clean && isEmpty { return self }
        return split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }
}
