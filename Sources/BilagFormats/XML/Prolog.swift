/// A cheap look at the bytes before the root element, so hostile or non-XML input is refused before libxml2 reads it.
enum Prolog {
    /// Returns a problem, or nil when the bytes look like an XML document without a DTD.
    static func scan(_ bytes: UnsafeRawBufferPointer) -> DocumentError? {
        let n = bytes.count
        var i = 0
        if n >= 2, (bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE) { return nil } // UTF-16: libxml2 decides
        if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        func starts(_ s: StaticString, at j: Int) -> Bool { ByteSearch.starts(s, at: j, in: bytes) }
        func find(_ s: StaticString, from j: Int) -> Int? { ByteSearch.find(s, in: bytes, from: j) }
        while i < n {
            let b = bytes[i]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { i += 1; continue }
            guard b == UInt8(ascii: "<") else {
                return .notXML(b == 0 || b < 0x09 ? "the file is binary, not XML" : "the file does not start with an XML element")
            }
            if starts("<?", at: i) {
                guard let e = find("?>", from: i + 2) else { return .malformed("unterminated processing instruction", line: 1) }
                i = e + 2
            } else if starts("<!--", at: i) {
                guard let e = find("-->", from: i + 4) else { return .malformed("unterminated comment", line: 1) }
                i = e + 3
            } else if starts("<!DOCTYPE", at: i) || starts("<!ENTITY", at: i) {
                return .doctypeForbidden
            } else if starts("<!", at: i) {
                return .malformed("unexpected markup before the root element", line: 1)
            } else {
                return nil
            }
        }
        return .notXML("the file holds no XML element")
    }
}
