import Foundation

/// Unpadded base64url (RFC 4648 §5), the encoding WebAuthn uses for every
/// binary value in JSON: challenges, credential IDs, user handles and the
/// browser's `PublicKeyCredential.toJSON()` output.
public enum Base64URL {
    /// Encodes `bytes` without `=` padding.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var string = Data(bytes).base64EncodedString()
        string = string.replacingOccurrences(of: "+", with: "-")
        string = string.replacingOccurrences(of: "/", with: "_")
        while string.hasSuffix("=") {
            string.removeLast()
        }
        return string
    }

    /// Decodes unpadded base64url, or returns `nil` for any character outside
    /// the URL-safe alphabet (including `=`) or an impossible length.
    public static func decode(_ string: some StringProtocol) -> [UInt8]? {
        var standard = ""
        standard.reserveCapacity(string.utf8.count + 3)
        for character in string.unicodeScalars {
            switch character {
            case "A"..."Z", "a"..."z", "0"..."9": standard.unicodeScalars.append(character)
            case "-": standard.append("+")
            case "_": standard.append("/")
            default: return nil
            }
        }
        switch standard.utf8.count % 4 {
        case 1: return nil
        case 2: standard += "=="
        case 3: standard += "="
        default: break
        }
        return Data(base64Encoded: standard).map(Array.init)
    }
}

/// Bytes that travel through JSON as an unpadded base64url string.
public struct Base64URLBytes: Sendable, Hashable, Codable, ExpressibleByArrayLiteral {
    public var bytes: [UInt8]

    public init(_ bytes: some Sequence<UInt8>) {
        self.bytes = Array(bytes)
    }

    public init(arrayLiteral elements: UInt8...) {
        self.bytes = elements
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        guard let bytes = Base64URL.decode(string) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not unpadded base64url")
        }
        self.bytes = bytes
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Base64URL.encode(bytes))
    }
}
