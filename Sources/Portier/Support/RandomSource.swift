import Foundation

/// Cryptographically secure randomness, behind a protocol so tests can make it predictable.
public protocol RandomSource: Sendable {
    func bytes(count: Int) -> [UInt8]
}

public struct SystemRandomSource: RandomSource {
    public init() {}

    public func bytes(count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}

extension RandomSource {
    /// A URL-safe token of `byteCount` random bytes (base64url without padding).
    public func makeToken(byteCount: Int = 32) -> String {
        Base64URL.encode(bytes(count: byteCount))
    }
}

enum Base64URL {
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
