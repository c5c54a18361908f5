@testable import BilagRobots
import Foundation
import XCTest

/// A secret a case system or its gateway quotes back is taken out however it was encoded: before, only the form
/// written and bilag's own percent-encoding were, so a basic-auth password Python's `quote` had encoded
/// (`B3n-pa55w0rd%21x`: `-` left alone, `!` encoded) reached `queue show`, `status --json` and the store.
final class SecretRedactionTests: XCTestCase {
    func testEverySpellingOfASecretIsRedacted() {
        let password = "B3n-pa55w0rd!x", token = "s3cr3t TOKEN/abc+1~"
        let r = SecretRedaction([password, token])
        let spellings = [
            password, "B3n-pa55w0rd%21x", "B3n%2Dpa55w0rd%21x", "B3n-pa55w0rd%21X".replacingOccurrences(of: "%21X", with: "%21x"), "%42%33n-pa55w0rd!x",
            token, "s3cr3t+TOKEN%2Fabc%2B1~", "s3cr3t%20TOKEN%2fabc%2b1%7E", "s3cr3t TOKEN\\/abc+1~",
        ]
        for s in spellings {
            let said = r.apply("gateway: credentials \(s) rejected")
            XCTAssertEqual(said, "gateway: credentials [secret] rejected", s)
        }
        XCTAssertEqual(r.apply("nothing secret here: B3n-pa55w0rd"), "nothing secret here: B3n-pa55w0rd", "a part of a secret is not the secret")
    }
}
