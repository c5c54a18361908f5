import BilagCore
import CLibCurl
import Foundation
import Synchronization

/// One HTTP request as the `http` connector sends it. Everything libcurl needs, nothing it must look up.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: Data?
    public var tls: HTTPTLS
    public var connectTimeoutMilliseconds: Int
    public var totalTimeoutMilliseconds: Int
    /// Ask libcurl for the server's certificate chain (for `bilag connectors check`).
    public var wantPeerCertificate = false

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: Data? = nil, tls: HTTPTLS = HTTPTLS(), connectTimeoutMilliseconds: Int = 5000, totalTimeoutMilliseconds: Int = 30000) {
        self.method = method; self.url = url; self.headers = headers; self.body = body; self.tls = tls
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds; self.totalTimeoutMilliseconds = totalTimeoutMilliseconds
    }
}

/// TLS settings of a connector: verification is always on; the CA bundle and client certificate are optional.
public struct HTTPTLS: Sendable, Equatable {
    public var caBundle: String?
    public var clientCertificate: String?
    public var clientKey: String?
    public init(caBundle: String? = nil, clientCertificate: String? = nil, clientKey: String? = nil) {
        self.caBundle = caBundle; self.clientCertificate = clientCertificate; self.clientKey = clientKey
    }
}

/// What came back: a status with headers and body, or a transport failure (no HTTP answer at all).
public struct HTTPAnswer: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data
    public var seconds: Double
    /// The server certificate's subject and expiry, when asked for.
    public var peer: String?

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A transfer that produced no usable HTTP answer.
public struct HTTPTransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable { case timeout, connect, tls, reset, tooLarge = "too-large", other }
    public var kind: Kind
    public var message: String
    public var seconds: Double
    public var description: String { "\(kind.rawValue): \(message)" }
}

/// One libcurl multi handle and the one thread that drives every transfer on it.
///
/// Requests are queued and started while fewer than `maxInFlight` are open; the thread sleeps in `curl_multi_poll`
/// and is woken by `curl_multi_wakeup` when a request is queued. Completions are handed to each request's callback
/// on that thread: a callback must be quick (resume a continuation, signal a semaphore).
public final class CurlMulti: Sendable {
    public let maxInFlight: Int
    /// The largest answer body accepted; a larger one is an unreadable answer.
    public static let maxBodyBytes = 32 * 1024 * 1024
    private let queue = Mutex(Queue())
    // The multi handle is touched only by the driving thread, except `curl_multi_wakeup`, which is thread-safe.
    nonisolated(unsafe) private let multi: UnsafeMutableRawPointer
    private let peak = Atomic<Int>(0)
    private let open = Atomic<Int>(0)

    private struct Queue {
        var waiting: [(HTTPRequest, @Sendable (Result<HTTPAnswer, HTTPTransportError>) -> Void)] = []
        var stopped = false
    }

    private static let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public init(maxInFlight: Int, name: String) {
        _ = Self.globalInit
        self.maxInFlight = max(1, maxInFlight)
        multi = curl_multi_init()!
        // Every connection a burst of `maxInFlight` transfers opened stays alive for the next one. Left to itself
        // libcurl keeps 4 per transfer added *now*, and closes an idle connection each time one comes back while few
        // are open: between bursts the pool shrinks, and every burst connects (TCP, and TLS) again.
        bilag_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, self.maxInFlight)
        // The system keeps 15 bytes of a thread's name: room for the connector's.
        ThreadName.start("http-\(name)") { [self] in drive() }
    }

    /// Transfers open now, and the most ever open at once.
    public var inFlight: Int { open.load(ordering: .relaxed) }
    public var peakInFlight: Int { peak.load(ordering: .relaxed) }

    /// Queues a request; `done` is called once, on the driving thread.
    public func start(_ request: HTTPRequest, done: @escaping @Sendable (Result<HTTPAnswer, HTTPTransportError>) -> Void) {
        queue.withLock { $0.waiting.append((request, done)) }
        curl_multi_wakeup(multi)
    }

    /// Sends a request and waits for its answer (blocking the calling thread, never the driving one).
    public func send(_ request: HTTPRequest) -> Result<HTTPAnswer, HTTPTransportError> {
        let box = ResultBox()
        start(request) { box.set($0) }
        return box.wait()
    }

    /// Sends a request without blocking a thread: the seam for lookups decided concurrently.
    public func send(_ request: HTTPRequest) async -> Result<HTTPAnswer, HTTPTransportError> {
        await withCheckedContinuation { c in start(request) { c.resume(returning: $0) } }
    }

    /// Ends the driving thread once the open transfers finish; queued ones fail.
    public func stop() {
        queue.withLock { $0.stopped = true }
        curl_multi_wakeup(multi)
    }

    private final class ResultBox: @unchecked Sendable {
        // @unchecked: `value` is written once before `ready.signal()` and read after `ready.wait()`.
        private var value: Result<HTTPAnswer, HTTPTransportError>?
        private let ready = DispatchSemaphore(value: 0)
        func set(_ r: Result<HTTPAnswer, HTTPTransportError>) { value = r; ready.signal() }
        func wait() -> Result<HTTPAnswer, HTTPTransportError> { ready.wait(); return value! }
    }

    private func drive() {
        var transfers: [UnsafeMutableRawPointer: CurlTransfer] = [:]
        while true {
            let (next, stopped) = queue.withLock { q -> ([(HTTPRequest, @Sendable (Result<HTTPAnswer, HTTPTransportError>) -> Void)], Bool) in
                let room = max(0, maxInFlight - transfers.count)
                let n = min(room, q.waiting.count)
                let taken = Array(q.waiting.prefix(n))
                q.waiting.removeFirst(n)
                return (taken, q.stopped)
            }
            for (request, done) in next {
                let t = CurlTransfer(request, done: done)
                guard let easy = t.easy else {
                    done(.failure(HTTPTransportError(kind: .other, message: "libcurl could not create a transfer", seconds: 0)))
                    continue
                }
                transfers[easy] = t
                curl_multi_add_handle(multi, easy)
            }
            open.store(transfers.count, ordering: .relaxed)
            if transfers.count > peak.load(ordering: .relaxed) { peak.store(transfers.count, ordering: .relaxed) }
            if stopped && transfers.isEmpty {
                let rest = queue.withLock { q in defer { q.waiting = [] }; return q.waiting }
                for (_, done) in rest { done(.failure(HTTPTransportError(kind: .other, message: "the connector was stopped", seconds: 0))) }
                curl_multi_cleanup(multi)
                return
            }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let msg = curl_multi_info_read(multi, &left) {
                guard msg.pointee.msg == CURLMSG_DONE, let easy = msg.pointee.easy_handle, let t = transfers.removeValue(forKey: easy) else { continue }
                let code = msg.pointee.data.result
                curl_multi_remove_handle(multi, easy)
                t.finish(code)
            }
            open.store(transfers.count, ordering: .relaxed)
            var ready: Int32 = 0
            curl_multi_poll(multi, nil, 0, 200, &ready)
        }
    }
}
