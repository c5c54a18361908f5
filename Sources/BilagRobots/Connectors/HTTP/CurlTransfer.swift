import CLibCurl
import Foundation

/// One libcurl easy handle with its request's options, the buffers it writes into, and the callback it ends with.
/// Created and finished on the multi handle's driving thread only.
final class CurlTransfer {
    let easy: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let done: @Sendable (Result<HTTPAnswer, HTTPTransportError>) -> Void
    private let started = DispatchTime.now()
    private let wantPeer: Bool
    fileprivate var body = Data()
    fileprivate var headers: [String: String] = [:]
    fileprivate var tooLarge = false
    private var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

    init(_ r: HTTPRequest, done: @escaping @Sendable (Result<HTTPAnswer, HTTPTransportError>) -> Void) {
        self.done = done
        wantPeer = r.wantPeerCertificate
        easy = curl_easy_init()
        guard let h = easy else { return }
        let me = Unmanaged.passUnretained(self).toOpaque()
        bilag_curl_easy_setopt_string(h, CURLOPT_URL, r.url)
        bilag_curl_easy_setopt_string(h, CURLOPT_PROTOCOLS_STR, "http,https")
        bilag_curl_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        bilag_curl_easy_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0)
        bilag_curl_easy_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, r.connectTimeoutMilliseconds)
        bilag_curl_easy_setopt_long(h, CURLOPT_TIMEOUT_MS, r.totalTimeoutMilliseconds)
        bilag_curl_easy_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 1)
        bilag_curl_easy_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 2)
        if let ca = r.tls.caBundle { bilag_curl_easy_setopt_string(h, CURLOPT_CAINFO, ca) }
        if let cert = r.tls.clientCertificate { bilag_curl_easy_setopt_string(h, CURLOPT_SSLCERT, cert) }
        if let key = r.tls.clientKey { bilag_curl_easy_setopt_string(h, CURLOPT_SSLKEY, key) }
        if r.wantPeerCertificate { bilag_curl_easy_setopt_certinfo(h) }
        errorBuffer.withUnsafeMutableBufferPointer { _ = bilag_curl_easy_setopt_pointer(h, CURLOPT_ERRORBUFFER, $0.baseAddress) }
        switch r.method {
        case "GET": bilag_curl_easy_setopt_long(h, CURLOPT_HTTPGET, 1)
        case "HEAD": bilag_curl_easy_setopt_long(h, CURLOPT_NOBODY, 1)
        default: bilag_curl_easy_setopt_string(h, CURLOPT_CUSTOMREQUEST, r.method)
        }
        if let b = r.body {
            bilag_curl_easy_setopt_large(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(b.count))
            b.withUnsafeBytes { p in _ = bilag_curl_easy_setopt_pointer(h, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: p.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!)) }
        }
        // No `Expect: 100-continue` round trip for a small JSON body.
        for header in r.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] { headerList = curl_slist_append(headerList, header) }
        bilag_curl_easy_setopt_slist(h, CURLOPT_HTTPHEADER, headerList)
        bilag_curl_easy_setopt_write(h) { data, size, count, user in
            let t = Unmanaged<CurlTransfer>.fromOpaque(user!).takeUnretainedValue()
            let n = size * count
            guard t.body.count + n <= CurlMulti.maxBodyBytes else { t.tooLarge = true; return 0 }
            if let data { t.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: n) }
            return n
        }
        bilag_curl_easy_setopt_pointer(h, CURLOPT_WRITEDATA, me)
        bilag_curl_easy_setopt_header(h) { data, size, count, user in
            let t = Unmanaged<CurlTransfer>.fromOpaque(user!).takeUnretainedValue()
            let n = size * count
            guard let data else { return n }
            let line = String(decoding: UnsafeRawBufferPointer(start: data, count: n), as: UTF8.self)
            if line.hasPrefix("HTTP/") { t.headers = [:] }   // a new response (after a 100 Continue): its own headers
            if let colon = line.firstIndex(of: ":") {
                t.headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return n
        }
        bilag_curl_easy_setopt_pointer(h, CURLOPT_HEADERDATA, me)
    }

    /// Hands the result to the callback and frees the handle.
    func finish(_ code: CURLcode) {
        guard let h = easy else { return }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        let result: Result<HTTPAnswer, HTTPTransportError>
        if code == CURLE_OK {
            var status = 0
            bilag_curl_easy_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
            result = .success(HTTPAnswer(status: status, headers: headers, body: body, seconds: seconds, peer: wantPeer ? peerCertificate(h) : nil))
        } else {
            let detail = String(cString: errorBuffer)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            result = .failure(HTTPTransportError(kind: tooLarge ? .tooLarge : Self.kind(code, message), message: tooLarge ? "the answer is larger than \(CurlMulti.maxBodyBytes) bytes" : message, seconds: seconds))
        }
        curl_easy_cleanup(h)
        curl_slist_free_all(headerList)
        done(result)
    }

    static func kind(_ code: CURLcode, _ message: String) -> HTTPTransportError.Kind {
        switch code {
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .connect
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND:
            return .tls
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            return message.contains("SSL") || message.contains("alert") ? .tls : .reset
        default: return .other
        }
    }

    /// The first certificate of the chain: its subject and expiry, as libcurl reports them.
    private func peerCertificate(_ h: UnsafeMutableRawPointer) -> String? {
        var raw: UnsafeMutableRawPointer?
        guard bilag_curl_easy_getinfo_pointer(h, CURLINFO_CERTINFO, &raw) == CURLE_OK, let raw else { return nil }
        let info = raw.assumingMemoryBound(to: curl_certinfo.self).pointee
        guard info.num_of_certs > 0, let lists = info.certinfo else { return nil }
        var subject = "", expires = ""
        var item = lists[0]
        while let node = item {
            let line = String(cString: node.pointee.data)
            if line.hasPrefix("Subject:") { subject = String(line.dropFirst(8)) }
            if line.hasPrefix("Expire date:") { expires = String(line.dropFirst(12)) }
            item = node.pointee.next
        }
        return "\(subject) (expires \(expires))"
    }
}
