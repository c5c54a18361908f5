import BilagCore

extension XMLElement {
    /// This element and everything under it as a `WrittenTree` for validation: the byte buffer copied once, the
    /// elements renumbered in document order from 0 (this element), each element's text joined into one run. Written
    /// straight into the tree's own buffers.
    func writtenTree() -> WrittenTree {
        let t = tree
        // The whole byte buffer: every name, text and attribute value of this element's subtree lies in it (an
        // envelope's header, when this is the payload of one, comes along unread).
        var nodes = RawBuffer<WrittenTree.Node>(capacity: 64), attributes = RawBuffer<WrittenTree.Attribute>(capacity: 16)
        var bytes = RawBuffer<UInt8>(capacity: Int(t.byteCount) + 64)
        bytes.append(t.bytes, count: Int(t.byteCount))

        /// Copies `index` and its subtree; returns its new number.
        func copy(_ index: Int32) -> Int32 {
            let n = t.nodes[Int(index)]
            var textStart: Int32 = -1, textLength: Int32 = 0
            if n.firstSegment >= 0 {
                let first = t.segments[Int(n.firstSegment)]
                if first.next < 0 {
                    textStart = first.start; textLength = first.length
                } else {
                    textStart = Int32(bytes.count)
                    var k = n.firstSegment
                    while k >= 0 {
                        let s = t.segments[Int(k)]
                        bytes.append(t.bytes + Int(s.start), count: Int(s.length))
                        k = s.next
                    }
                    textLength = Int32(bytes.count) - textStart
                }
            }
            let firstAttribute = Int32(attributes.count)
            var i = Int(n.firstAttribute)
            for _ in 0..<Int(n.attributeCount) {
                let a = t.attributes[i]
                attributes.append(WrittenTree.Attribute(nameStart: a.nameStart, nameLength: a.nameLength, valueStart: a.valueStart, valueLength: a.valueLength))
                i += 1
            }
            let me = Int32(nodes.count)
            nodes.append(WrittenTree.Node(nameStart: n.nameStart, nameLength: Int32(n.nameLength), textStart: textStart, textLength: textLength,
                                          firstChild: -1, nextSibling: -1, firstAttribute: firstAttribute, attributeCount: n.attributeCount))
            var previous: Int32 = -1
            var c = n.firstChild
            while c >= 0 {
                let child = copy(c)
                if previous < 0 { nodes[Int(me)].firstChild = child } else { nodes[Int(previous)].nextSibling = child }
                previous = child
                c = t.nodes[Int(c)].nextSibling
            }
            return me
        }
        _ = copy(index)
        return WrittenTree(nodes: nodes, attributes: attributes, bytes: bytes)
    }
}
