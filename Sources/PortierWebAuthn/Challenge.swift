/// Fresh random challenges for WebAuthn ceremonies.
///
/// The app stores a hash of the challenge with a five-minute expiry and
/// deletes it on first use; that is what makes a response single-use.
public enum Challenge {
    /// WebAuthn §13.4.3 asks for at least 16 random bytes.
    public static let minimumByteCount = 16

    /// Returns `byteCount` bytes from the system's cryptographically secure
    /// generator (getrandom on Linux).
    public static func make(byteCount: Int = 32) -> [UInt8] {
        precondition(byteCount >= minimumByteCount, "WebAuthn challenges need at least 16 random bytes")
        var generator = SystemRandomNumberGenerator()
        return (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
