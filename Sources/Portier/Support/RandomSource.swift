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

    /// The bytes of unpadded (or padded) base64url text; nil when it is not base64url.
    static func decode(_ text: String) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).map(Array.init)
    }
}
