import CLibXML2
#if canImport(Glibc)
import Glibc
#endif

/// A libxml2 parser context kept by each thread that parses, and reused from one document to the next.
///
/// A fresh context for every document costs its allocation, its name dictionary and its buffers (`perf`: about 3 %
/// of `bilag run`'s CPU). `xmlCtxtReadMemory` resets a context before it reads, but keeps its dictionary, which holds
/// every element and attribute name the context has seen: invoices share a few hundred names, a hostile document can
/// bring thousands, so a context whose dictionary has grown past `maxNames`, or that has read `maxDocuments`, is
/// replaced by a fresh one.
final class ParserContext {
    static let maxNames = 5_000
    static let maxDocuments = 10_000

    let ctxt: xmlParserCtxtPtr
    private(set) var documents = 0

    private init?() {
        guard let c = xmlNewParserCtxt() else { return nil }
        ctxt = c
    }

    /// The buffer `padded` copies documents into, kept for the thread's next document.
    private var scratch = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    deinit {
        xmlFreeParserCtxt(ctxt)
        scratch.deallocate()
    }

    /// `bytes` followed by `Padding.blanks` spaces, in this context's buffer (valid until its next call), when
    /// `Padding.applies` to them; nil otherwise.
    func padded(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard Padding.applies(bytes) else { return nil }
        let needed = bytes.count + Padding.blanks
        if scratch.count < needed {
            scratch.deallocate()
            scratch = .allocate(byteCount: max(needed, 64 * 1024), alignment: 16)
        }
        scratch.copyMemory(from: bytes)
        UnsafeMutableRawBufferPointer(rebasing: scratch[bytes.count..<needed]).initializeMemory(as: UInt8.self, repeating: 0x20)
        return UnsafeRawBufferPointer(rebasing: scratch[..<needed])
    }

    /// True while the context may read another document.
    private var reusable: Bool {
        documents < Self.maxDocuments && (ctxt.pointee.dict.map { xmlDictSize($0) < Self.maxNames } ?? true)
    }

    /// The calling thread's context, replaced first when it has served its turn; nil when libxml2 cannot allocate one.
    static func forThisThread() -> ParserContext? {
        let key = threadKey
        if let raw = pthread_getspecific(key) {
            let current = Unmanaged<ParserContext>.fromOpaque(raw)
            let context = current.takeUnretainedValue()
            if context.reusable {
                context.documents += 1
                return context
            }
            pthread_setspecific(key, nil)
            current.release()
        }
        guard let fresh = ParserContext() else { return nil }
        fresh.documents = 1
        pthread_setspecific(key, Unmanaged.passRetained(fresh).toOpaque())
        return fresh
    }

    /// The thread-local slot; a thread's context is freed when the thread ends.
    private static let threadKey: pthread_key_t = {
        var key = pthread_key_t()
        let made = pthread_key_create(&key) { raw in
            guard let raw else { return }
            Unmanaged<ParserContext>.fromOpaque(raw).release()
        }
        precondition(made == 0, "pthread_key_create failed: \(made)")
        return key
    }()
}
