import BilagCore

/// A parsed document as flat arrays: elements, their text and their attributes, with every string kept in one
/// byte buffer. Built once by `TreeBuilder` from libxml2's SAX2 events and read-only afterwards.
///
/// libxml2's own tree costs a heap node per element, text and attribute, and as much again to free; bilag reads
/// a few dozen fields out of it and drops it. These are four buffers per document, freed together.
final class XMLTree {
    /// One element.
    struct Node {
        /// `Namespace.rawValue + 1`; 0 when the element has no namespace or one bilag does not read.
        var namespace: UInt8
        var nameLength: UInt16
        var nameStart: Int32
        /// The namespace URI in `bytes` when `namespace` is 0 and the element has one (kept for error messages).
        var uriStart: Int32 = 0
        var uriLength: Int32 = 0
        var firstChild: Int32 = -1
        var nextSibling: Int32 = -1
        /// The element's own text, as a chain of `segments` (more than one only around child elements).
        var firstSegment: Int32 = -1
        var lastSegment: Int32 = -1
        var firstAttribute: Int32
        var attributeCount: Int32 = 0
    }

    /// A run of text in `bytes`; `next` links the runs of one element.
    struct Segment {
        var start: Int32
        var length: Int32
        var next: Int32 = -1
    }

    /// An attribute: its local name and value in `bytes`. Only attributes without a namespace are kept.
    struct Attribute {
        var nameStart: Int32
        var nameLength: Int32
        var valueStart: Int32
        var valueLength: Int32
    }

    let nodes: RawBuffer<Node>
    let segments: RawBuffer<Segment>
    let attributes: RawBuffer<Attribute>
    let bytes: RawBuffer<UInt8>

    /// Takes ownership of the builder's buffers.
    init(nodes: RawBuffer<Node>, segments: RawBuffer<Segment>, attributes: RawBuffer<Attribute>, bytes: RawBuffer<UInt8>) {
        self.nodes = nodes
        self.segments = segments
        self.attributes = attributes
        self.bytes = bytes
    }

    deinit {
        nodes.free()
        segments.free()
        attributes.free()
        bytes.free()
    }

    /// The buffers as plain pointers, for the elements that read them.
    var view: View { View(nodes: nodes.base, segments: segments.base, attributes: attributes.base, bytes: bytes.base, byteCount: Int32(bytes.count)) }

    /// What an `XMLElement` reads the tree through: the four buffers' addresses, valid while the tree lives. Reading
    /// through a class reference instead retains and releases the tree at each access, a few times per field read
    /// (`perf`: a few percent of `bilag run`'s CPU went to that).
    struct View {
        let nodes: UnsafeMutablePointer<Node>
        let segments: UnsafeMutablePointer<Segment>
        let attributes: UnsafeMutablePointer<Attribute>
        let bytes: UnsafeMutablePointer<UInt8>
        /// How many bytes `bytes` holds (every name, text and attribute value lies below it).
        let byteCount: Int32

        /// True when the element has this namespace and local name.
        @inline(__always)
        func matches(_ n: Node, _ ns: Namespace, _ local: StaticString) -> Bool {
            n.namespace == ns.rawValue + 1 && equals(n.nameStart, Int(n.nameLength), local)
        }

        /// True when the bytes at `start` equal the static string.
        @inline(__always)
        func equals(_ start: Int32, _ length: Int, _ s: StaticString) -> Bool {
            guard length == s.utf8CodeUnitCount else { return false }
            let b = bytes + Int(start)
            let p = s.utf8Start
            var i = 0
            while i < length {
                if b[i] != p[i] { return false }
                i += 1
            }
            return true
        }

        /// The bytes as a String (libxml2 hands over UTF-8 only).
        @inline(__always)
        func string(_ start: Int32, _ length: Int32) -> String {
            String(decoding: UnsafeBufferPointer(start: bytes + Int(start), count: Int(length)), as: UTF8.self)
        }

        /// The bytes with XML whitespace (space, tab, CR, LF) removed at both ends; nil when nothing is left.
        @inline(__always)
        func trimmedString(_ start: Int32, _ length: Int32) -> String? {
            let b = bytes
            var lo = Int(start), hi = Int(start + length)
            while lo < hi, View.isSpace(b[lo]) { lo += 1 }
            while hi > lo, View.isSpace(b[hi - 1]) { hi -= 1 }
            guard lo < hi else { return nil }
            return String(decoding: UnsafeBufferPointer(start: b + lo, count: hi - lo), as: UTF8.self)
        }

        /// The bytes are XML whitespace only (or none).
        func isBlank(_ start: Int32, _ length: Int32) -> Bool { Self.isWhiteSpace(bytes + Int(start), Int(length)) }

        /// True when the bytes are all XML white space (space, tab, carriage return, line feed).
        @inline(__always)
        static func isWhiteSpace(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
            for i in 0..<n where !isSpace(p[i]) { return false }
            return true
        }

        @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
    }
}
