import BilagFormats
import CLibXML2
import Foundation

/// The floor to compare against: libxml2 alone parsing the same bytes into a tree and freeing it, single-threaded,
/// with the options bilag uses, no file I/O (the bytes are read before the clock starts).
public enum LibXML2Baseline {
    public struct Result: Sendable {
        public var seconds: Double
        public var files: Int
        public var bytes: Int
        public var failures: Int
        public var microsPerFile: Double { files > 0 ? seconds * 1e6 / Double(files) : 0 }
    }

    public static func measure(_ documents: [Data]) -> Result {
        xmlInitParser()
        var failures = 0
        var bytes = 0
        for d in documents { bytes += d.count }
        // Warm up once (first-call costs: dictionaries, encoding handlers) outside the measurement.
        if let first = documents.first { parse(first, &failures); failures = 0 }
        let start = ChildProcess.monotonicSeconds()
        for d in documents { parse(d, &failures) }
        let seconds = ChildProcess.monotonicSeconds() - start
        return Result(seconds: seconds, files: documents.count, bytes: bytes, failures: failures)
    }

    @inline(__always)
    static func parse(_ d: Data, _ failures: inout Int) {
        d.withUnsafeBytes { raw in
            let base = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
            if let doc = xmlReadMemory(base, Int32(clamping: raw.count), "invoice.xml", nil, BilagFormats.XMLDocument.options) {
                xmlFreeDoc(doc)
            } else {
                failures += 1
            }
        }
    }
}
