/// The DNS TXT record that lets receivers verify Portier's signatures:
/// `<selector>._domainkey.<domain>  TXT  "v=DKIM1; k=rsa; p=…"`.
public struct DKIMDNSRecord: Sendable, Hashable {
    /// The owner name, without a trailing dot: `portier2025._domainkey.example.se`.
    public let name: String
    /// The record's text, `v=DKIM1; k=<type>; p=<public key>` (RFC 6376 § 3.6.1).
    public let value: String

    init(domain: String, selector: String, keyType: DKIMKeyType, publicKeyBase64: String) {
        name = "\(selector)._domainkey.\(domain)"
        value = "v=DKIM1; k=\(keyType.dnsKeyType); p=\(publicKeyBase64)"
    }

    /// The longest character-string one TXT record may hold (RFC 1035 § 3.3.14).
    public static let maximumCharacterStringLength = 255

    /// ``value`` cut into character-strings of at most 255 bytes. An RSA 2048 key's value
    /// (about 410 bytes) needs two; receivers concatenate them without separators (RFC 6376 § 3.6.2.2).
    public var characterStrings: [String] {
        let bytes = Array(value.utf8)  // ASCII only, so any cut is a valid string
        return stride(from: 0, to: bytes.count, by: Self.maximumCharacterStringLength).map {
            String(decoding: bytes[$0..<min($0 + Self.maximumCharacterStringLength, bytes.count)], as: UTF8.self)
        }
    }

    /// ``characterStrings`` quoted and separated by spaces, as zone files and most DNS hosting
    /// panels take them: `"v=DKIM1; k=rsa; p=MIIB…" "…IDAQAB"`. The value holds no `"` or `\`,
    /// so nothing needs escaping.
    public var quotedCharacterStrings: String {
        characterStrings.map { "\"\($0)\"" }.joined(separator: " ")
    }

    /// A complete zone-file line: `<name>. IN TXT ( "…" "…" )`.
    public var zoneFileLine: String {
        "\(name). IN TXT ( \(quotedCharacterStrings) )"
    }
}
