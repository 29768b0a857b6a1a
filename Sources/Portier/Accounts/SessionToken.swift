import Crypto
import Foundation

/// A session or link token: the raw value goes to the browser, only its SHA-256 is stored.
public enum TokenDigest {
    public static func sha256Hex(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
