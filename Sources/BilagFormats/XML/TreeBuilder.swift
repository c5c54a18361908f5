import BilagCore
import CLibXML2

/// Builds an `XMLTree` from libxml2's SAX2 events. libxml2 still does all the XML work (well-formedness,
/// encodings, character and predefined entity references, attribute normalisation, namespaces); this only records
/// what it reports, in document order.
struct TreeBuilder {
    var nodes: RawBuffer<XMLTree.Node>
    var segments: RawBuffer<XMLTree.Segment>
    var attributes: RawBuffer<XMLTree.Attribute>
    var bytes: RawBuffer<UInt8>
    /// The buffers passed to an `XMLTree`, which frees them; until then `discard()` does.
    private var handedOver = false
    /// The open elements, innermost last, with the last child each has so far (a raw stack: no reference counting
    /// or uniqueness checks at every start tag, end tag and text, as a Swift array of tuples has).
    var open = RawBuffer<OpenElement>(capacity: 32)
    struct OpenElement { var node: Int32; var lastChild: Int32 }
    /// Namespace URIs seen in this document (libxml2 interns them, so a pointer identifies one) and what they are.
    var knownURIs: [(UnsafePointer<xmlChar>, UInt8)] = []
    /// A document type declaration was reported.
    var sawDoctype = false
    /// The text would not fit the 32-bit offsets (more than 2 GiB), so parsing was stopped.
    var overflowed = false

    init(expectedBytes: Int) {
        nodes = RawBuffer(capacity: expectedBytes / 40 + 16)
        segments = RawBuffer(capacity: expectedBytes / 40 + 16)
        attributes = RawBuffer(capacity: expectedBytes / 400 + 8)
        bytes = RawBuffer(capacity: expectedBytes / 2 + 64)
    }

    /// Hands the buffers to a tree, which frees them.
    mutating func tree() -> XMLTree {
        handedOver = true
        return XMLTree(nodes: nodes, segments: segments, attributes: attributes, bytes: bytes)
    }

    /// Frees the open-element stack, and the tree's buffers unless a tree took them.
    func discard() {
        open.free()
        guard !handedOver else { return }
        nodes.free(); segments.free(); attributes.free(); bytes.free()
    }

    /// Appends bytes to the buffer, returning where they start; nil when the 32-bit offsets would overflow.
    @inline(__always)
    mutating func store(_ p: UnsafePointer<xmlChar>, _ n: Int) -> Int32? {
        let start = bytes.count
        guard start + n < Int(Int32.max) else { overflowed = true; return nil }
        bytes.append(p, count: n)
        return Int32(start)
    }

    mutating func namespaceCode(_ uri: UnsafePointer<xmlChar>?) -> UInt8 {
        guard let uri else { return 0 }
        for (p, code) in knownURIs where p == uri { return code }
        var code: UInt8 = 0
        for ns in Namespace.allCases where xmlStrEqual(uri, ns.uri.utf8Start) == 1 { code = ns.rawValue + 1; break }
        knownURIs.append((uri, code))
        return code
    }

    mutating func startElement(_ localname: UnsafePointer<xmlChar>, _ uri: UnsafePointer<xmlChar>?, _ attributeCount: Int, _ attrs: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) -> Bool {
        let nameLength = Int(xmlStrlen(localname))
        guard nameLength <= Int(UInt16.max) else { overflowed = true; return false }
        guard let nameStart = store(localname, nameLength) else { return false }
        var node = XMLTree.Node(namespace: namespaceCode(uri), nameLength: UInt16(nameLength), nameStart: nameStart, firstAttribute: Int32(attributes.count))
        if node.namespace == 0, let uri {
            let n = Int(xmlStrlen(uri))
            guard let s = store(uri, n) else { return false }
            node.uriStart = s
            node.uriLength = Int32(n)
        }
        if let attrs {
            // Five pointers per attribute: localname, prefix, URI, value start, value end.
            for i in 0..<attributeCount {
                guard let name = attrs[i * 5], attrs[i * 5 + 2] == nil, let value = attrs[i * 5 + 3], let end = attrs[i * 5 + 4] else { continue }
                let n = Int(xmlStrlen(name))
                let v = end - value
                guard let ns = store(name, n), let vs = store(value, v) else { return false }
                attributes.append(XMLTree.Attribute(nameStart: ns, nameLength: Int32(n), valueStart: vs, valueLength: Int32(v)))
                node.attributeCount += 1
            }
        }
        let index = Int32(nodes.count)
        nodes.append(node)
        if let parent = open.last {
            if parent.lastChild < 0 {
                dropIndentation(of: parent.node)
                nodes.base[Int(parent.node)].firstChild = index
            } else {
                nodes.base[Int(parent.lastChild)].nextSibling = index
            }
            open.base[open.count - 1].lastChild = index
        }
        open.append(OpenElement(node: index, lastChild: -1))
        return true
    }

    mutating func endElement() {
        if !open.isEmpty { open.removeLast() }
    }

    mutating func characters(_ p: UnsafePointer<xmlChar>, _ n: Int) -> Bool {
        guard n > 0, let top = open.last else { return true }
        let current = top.node, lastChild = top.lastChild
        let end = Int32(bytes.count)
        // White space that starts after a child element's end tag, as indentation does, is not kept: UBL and CII
        // elements hold either text or child elements, never both, and this is most of a pretty-printed file's
        // text. (White space inside a run of text, between references, is kept: the run began before it.)
        if lastChild >= 0, !continuesText(of: current, at: end), XMLTree.View.isWhiteSpace(p, n) { return true }
        guard let start = store(p, n) else { return false }
        let node = nodes.base + Int(current)
        let last = node.pointee.lastSegment
        if last >= 0, segments[Int(last)].start + segments[Int(last)].length == end {
            // libxml2 reports one text in pieces (around references, at buffer boundaries): keep it one run.
            segments.base[Int(last)].length += Int32(n)
            return true
        }
        let s = Int32(segments.count)
        segments.append(XMLTree.Segment(start: start, length: Int32(n)))
        if last >= 0 { segments.base[Int(last)].next = s } else { node.pointee.firstSegment = s }
        node.pointee.lastSegment = s
        return true
    }

    /// True when the element's last text ends at `end`: the next text continues that run.
    @inline(__always)
    func continuesText(of element: Int32, at end: Int32) -> Bool {
        let last = nodes[Int(element)].lastSegment
        return last >= 0 && segments[Int(last)].start + segments[Int(last)].length == end
    }

    /// When an element gets its first child, a text it holds that is only white space (the indentation before that
    /// child) is dropped: its bytes stay behind unused, the element has no text.
    mutating func dropIndentation(of element: Int32) {
        let node = nodes.base + Int(element)
        let only = node.pointee.firstSegment
        guard only >= 0, only == node.pointee.lastSegment, only == Int32(segments.count - 1) else { return }
        let seg = segments[Int(only)]
        guard XMLTree.View.isWhiteSpace(bytes.base + Int(seg.start), Int(seg.length)) else { return }
        segments.removeLast()
        node.pointee.firstSegment = -1
        node.pointee.lastSegment = -1
    }
}

/// The SAX2 handler: C callbacks that find the builder through the parser context's `_private` pointer.
enum TreeBuilderSAX {
    @inline(__always)
    static func builder(_ ctx: UnsafeMutableRawPointer?) -> (xmlParserCtxtPtr, UnsafeMutablePointer<TreeBuilder>) {
        let ctxt = ctx!.assumingMemoryBound(to: xmlParserCtxt.self)
        return (ctxt, ctxt.pointee._private!.assumingMemoryBound(to: TreeBuilder.self))
    }

    /// Replaces every callback of the context's handler with the builder's; everything else stays unhandled.
    static func install(on ctxt: xmlParserCtxtPtr, builder: UnsafeMutablePointer<TreeBuilder>) {
        let sax = ctxt.pointee.sax!
        sax.initialize(to: xmlSAXHandler())
        sax.pointee.initialized = UInt32(XML_SAX2_MAGIC)
        sax.pointee.startElementNs = { ctx, localname, _, uri, _, _, count, _, attrs in
            let (ctxt, b) = TreeBuilderSAX.builder(ctx)
            guard let localname else { return }
            if !b.pointee.startElement(localname, uri, Int(count), attrs) { xmlStopParser(ctxt) }
        }
        sax.pointee.endElementNs = { ctx, _, _, _ in
            TreeBuilderSAX.builder(ctx).1.pointee.endElement()
        }
        let text: charactersSAXFunc = { ctx, p, n in
            let (ctxt, b) = TreeBuilderSAX.builder(ctx)
            guard let p else { return }
            if !b.pointee.characters(p, Int(n)) { xmlStopParser(ctxt) }
        }
        sax.pointee.characters = text
        sax.pointee.cdataBlock = text
        sax.pointee.internalSubset = { ctx, _, _, _ in
            let (ctxt, b) = TreeBuilderSAX.builder(ctx)
            b.pointee.sawDoctype = true
            xmlStopParser(ctxt)
        }
        ctxt.pointee._private = UnsafeMutableRawPointer(builder)
    }
}
