import Crypto
import Foundation

/// A session or link token: the raw value goes to the browser, only its SHA-256 is stored.
public enum TokenDigest {
    public static func sha256Hex(_ token: String) -> String {
        sha256Hex(bytes: Array(token.utf8))
    }

    /// The SHA-256 of raw bytes (a passkey challenge), as lower-case hex.
    public static func sha256Hex(bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
