import CLibXML2

/// A read-only view of one element of a parsed libxml2 tree. Valid while its `XMLDocument` lives.
public struct XMLElement {
    let node: xmlNodePtr

    /// The local name.
    public var name: String { String(cString: node.pointee.name) }
    /// The namespace URI, if any.
    public var namespaceURI: String? { node.pointee.ns.flatMap { $0.pointee.href.map { String(cString: $0) } } }

    /// True when the element has this namespace and local name.
    @inline(__always)
    public func `is`(_ ns: Namespace, _ local: StaticString) -> Bool {
        // The first byte settles most mismatches without a call.
        guard let n = node.pointee.name, n.pointee == local.utf8Start.pointee, xmlStrEqual(n, local.utf8Start) == 1 else { return false }
        guard let nsp = node.pointee.ns, let href = nsp.pointee.href else { return false }
        return xmlStrEqual(href, ns.uri.utf8Start) == 1
    }

    /// The child elements in document order.
    public var children: XMLChildren { XMLChildren(first: node.pointee.children) }

    /// The first child element with this name.
    @inline(__always)
    public func first(_ ns: Namespace, _ local: StaticString) -> XMLElement? {
        var c = node.pointee.children
        while let n = c {
            if n.pointee.type == XML_ELEMENT_NODE {
                let e = XMLElement(node: n)
                if e.is(ns, local) { return e }
            }
            c = n.pointee.next
        }
        return nil
    }

    /// Every child element with this name.
    public func all(_ ns: Namespace, _ local: StaticString) -> [XMLElement] {
        var out: [XMLElement] = []
        var c = node.pointee.children
        while let n = c {
            if n.pointee.type == XML_ELEMENT_NODE {
                let e = XMLElement(node: n)
                if e.is(ns, local) { out.append(e) }
            }
            c = n.pointee.next
        }
        return out
    }

    /// The text content (text and CDATA children joined), nil when the element is empty.
    public var text: String? {
        var c = node.pointee.children
        // Fast path: a single text node.
        if let n = c, n.pointee.next == nil, n.pointee.type == XML_TEXT_NODE || n.pointee.type == XML_CDATA_SECTION_NODE {
            guard let content = n.pointee.content else { return nil }
            return String(cString: content)
        }
        var s = ""
        while let n = c {
            if n.pointee.type == XML_TEXT_NODE || n.pointee.type == XML_CDATA_SECTION_NODE, let content = n.pointee.content {
                s += String(cString: content)
            }
            c = n.pointee.next
        }
        return s.isEmpty ? nil : s
    }

    /// The text with surrounding whitespace removed; nil when nothing is left.
    public var trimmedText: String? {
        guard let t = text else { return nil }
        let trimmed = t.trimmingXMLWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// An attribute without namespace, trimmed; nil when missing or empty.
    public func attribute(_ local: StaticString) -> String? {
        guard let v = xmlGetNoNsProp(node, local.utf8Start) else { return nil }
        defer { xmlFree(v) }
        let s = String(cString: v).trimmingXMLWhitespace()
        return s.isEmpty ? nil : s
    }

    /// The child's trimmed text.
    @inline(__always)
    public func text(_ ns: Namespace, _ local: StaticString) -> String? { first(ns, local)?.trimmedText }
}

/// The element children of a node, lazily.
public struct XMLChildren: Sequence, IteratorProtocol {
    var next_: xmlNodePtr?
    init(first: xmlNodePtr?) { next_ = first }
    public mutating func next() -> XMLElement? {
        while let n = next_ {
            next_ = n.pointee.next
            if n.pointee.type == XML_ELEMENT_NODE { return XMLElement(node: n) }
        }
        return nil
    }
}

extension String {
    /// Trims XML whitespace (space, tab, CR, LF) at both ends without Foundation.
    func trimmingXMLWhitespace() -> String {
        let u = utf8
        var start = u.startIndex, end = u.endIndex
        func ws(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while start < end, ws(u[start]) { start = u.index(after: start) }
        while end > start, ws(u[u.index(before: end)]) { end = u.index(before: end) }
        if start == u.startIndex && end == u.endIndex { return self }
        return String(self[start..<end])
    }
}
