import BilagBench
import BilagRobots
import BilagTestKit
import Foundation
import XCTest

/// The test case system on 127.0.0.1 (`LoopbackCaseSystem`), with the test certificates when HTTPS.
final class CaseSystemServer: LoopbackCaseSystem, @unchecked Sendable {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// `data` is a `casedata/` folder; with `certificates`, HTTPS (and client certificates required when `requireClient`).
    init(data: String, certificates: TestCertificates? = nil, requireClient: Bool = false) throws {
        var args: [String] = []
        if let c = certificates {
            args += ["--cert", c.serverCert, "--key", c.serverKey]
            if requireClient { args += ["--client-ca", c.caCert] }
        }
        let tls = certificates.map { HTTPTLS(caBundle: $0.caCert, clientCertificate: $0.clientCert, clientKey: $0.clientKey) } ?? HTTPTLS()
        try super.init(script: Self.script(in: Self.repository), data: data, serverArguments: args, tls: tls)
    }

    /// A server on a copy of the shipped case data, in a temporary folder added to `cleanup` (removed by the test).
    static func onShippedCaseData(certificates: TestCertificates? = nil, cleanup: inout [String]) throws -> CaseSystemServer {
        let folder = NSTemporaryDirectory() + "bilag-casedata-" + UUID().uuidString
        try ShippedRobots.copyCaseData(into: folder)
        cleanup.append(folder)
        return try CaseSystemServer(data: folder, certificates: certificates)
    }
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate, made by `openssl` in a temporary folder.
struct TestCertificates {
    let folder: String
    var caCert: String { folder + "/ca.pem" }
    var serverCert: String { folder + "/server.pem" }
    var serverKey: String { folder + "/server.key" }
    var clientCert: String { folder + "/client.pem" }
    var clientKey: String { folder + "/client.key" }

    init() throws {
        folder = NSTemporaryDirectory() + "bilag-certs-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let script = """
        set -e
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=bilag-test-ca 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext
        openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=case-system.test 2>/dev/null
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=bilag-client 2>/dev/null
        openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2 2>/dev/null
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        p.currentDirectoryURL = URL(fileURLWithPath: folder)
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestKitError("openssl could not make the test certificates") }
    }
}
