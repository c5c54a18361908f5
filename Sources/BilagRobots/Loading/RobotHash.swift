import Crypto
import Foundation

/// The version of a robot: the SHA-256 of its file and the data files it reads.
public enum RobotHash {
    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
