/// A read-only view of one element of a parsed document. Valid while its `XMLDocument` lives.
public struct XMLElement {
    let tree: XMLTree.View
    let index: Int32

    init(tree: XMLTree.View, index: Int32) {
        self.tree = tree
        self.index = index
    }

    @inline(__always) var node: XMLTree.Node { tree.nodes[Int(index)] }

    /// The local name.
    public var name: String { let n = node; return tree.string(n.nameStart, Int32(n.nameLength)) }
    /// The namespace URI, if any.
    public var namespaceURI: String? {
        let n = node
        if n.namespace > 0, let ns = Namespace(rawValue: n.namespace - 1) { return ns.uri.description }
        return n.uriLength > 0 ? tree.string(n.uriStart, n.uriLength) : nil
    }

    /// True when the element has this namespace and local name.
    @inline(__always)
    public func `is`(_ ns: Namespace, _ local: StaticString) -> Bool { tree.matches(node, ns, local) }

    /// The child elements in document order.
    public var children: XMLChildren { XMLChildren(tree: tree, next: node.firstChild) }

    /// The first child element with this name.
    @inline(__always)
    public func first(_ ns: Namespace, _ local: StaticString) -> XMLElement? {
        var c = node.firstChild
        while c >= 0 {
            let n = tree.nodes[Int(c)]
            if tree.matches(n, ns, local) { return XMLElement(tree: tree, index: c) }
            c = n.nextSibling
        }
        return nil
    }

    /// Every child element with this name.
    /// How many child elements have this name (`count(x)`), without building them.
    public func count(_ ns: Namespace, _ local: StaticString) -> Int {
        var n = 0
        var c = node.firstChild
        while c >= 0 {
            let child = tree.nodes[Int(c)]
            if tree.matches(child, ns, local) { n += 1 }
            c = child.nextSibling
        }
        return n
    }

    public func all(_ ns: Namespace, _ local: StaticString) -> [XMLElement] {
        var out: [XMLElement] = []
        var c = node.firstChild
        while c >= 0 {
            let n = tree.nodes[Int(c)]
            if tree.matches(n, ns, local) { out.append(XMLElement(tree: tree, index: c)) }
            c = n.nextSibling
        }
        return out
    }

    /// The text content (the element's own text, CDATA included, joined), nil when the element has none.
    public var text: String? {
        let n = node
        guard n.firstSegment >= 0 else { return nil }
        let first = tree.segments[Int(n.firstSegment)]
        if first.next < 0 { return tree.string(first.start, first.length) }
        var s = ""
        var k = n.firstSegment
        while k >= 0 {
            let seg = tree.segments[Int(k)]
            s += tree.string(seg.start, seg.length)
            k = seg.next
        }
        return s
    }

    /// The text with surrounding whitespace removed; nil when nothing is left.
    public var trimmedText: String? {
        let n = node
        guard n.firstSegment >= 0 else { return nil }
        let first = tree.segments[Int(n.firstSegment)]
        if first.next < 0 { return tree.trimmedString(first.start, first.length) }
        guard let t = text else { return nil }
        let trimmed = t.trimmingXMLWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// True when `trimmedText` is nil (no text, or XML whitespace only), found without building a string.
    public var isBlank: Bool {
        var k = node.firstSegment
        while k >= 0 {
            let seg = tree.segments[Int(k)]
            if !tree.isBlank(seg.start, seg.length) { return false }
            k = seg.next
        }
        return true
    }

    /// An attribute without namespace, trimmed; nil when missing or empty.
    public func attribute(_ local: StaticString) -> String? {
        guard let a = findAttribute(local) else { return nil }
        return tree.trimmedString(a.valueStart, a.valueLength)
    }

    /// An attribute without namespace exactly as written (not trimmed; the official rules compare it so); nil when missing.
    func rawAttribute(_ local: StaticString) -> String? {
        guard let a = findAttribute(local) else { return nil }
        return tree.string(a.valueStart, a.valueLength)
    }

    @inline(__always)
    private func findAttribute(_ local: StaticString) -> XMLTree.Attribute? {
        let n = node
        var i = Int(n.firstAttribute)
        let end = i + Int(n.attributeCount)
        while i < end {
            let a = tree.attributes[i]
            if tree.equals(a.nameStart, Int(a.nameLength), local) { return a }
            i += 1
        }
        return nil
    }

    /// The child's trimmed text.
    @inline(__always)
    public func text(_ ns: Namespace, _ local: StaticString) -> String? { first(ns, local)?.trimmedText }
}

/// The element children of an element, lazily.
public struct XMLChildren: Sequence, IteratorProtocol {
    let tree: XMLTree.View
    var next_: Int32
    init(tree: XMLTree.View, next: Int32) { self.tree = tree; next_ = next }
    public mutating func next() -> XMLElement? {
        guard next_ >= 0 else { return nil }
        let e = XMLElement(tree: tree, index: next_)
        next_ = tree.nodes[Int(next_)].nextSibling
        return e
    }
}

extension String {
    /// Trims XML whitespace (space, tab, CR, LF) at both ends without Foundation.
    func trimmingXMLWhitespace() -> String {
        let u = utf8
        var start = u.startIndex, end = u.endIndex
        while start < end, XMLTree.View.isSpace(u[start]) { start = u.index(after: start) }
        while end > start, XMLTree.View.isSpace(u[u.index(before: end)]) { end = u.index(before: end) }
        if start == u.startIndex && end == u.endIndex { return self }
        return String(self[start..<end])
    }
}
