/// Everything that can go wrong loading a DKIM key or signing a message.
///
/// Descriptions are written for the operator who reads the log line or the command's output:
/// they say what was wrong and what is expected, and never quote key material. Only values
/// that are safe to print appear in them: a PEM label, an algorithm OID, a bit count, the
/// configured domain or selector.
public enum DKIMError: Error, Sendable, Hashable {
    /// The key text has no `-----BEGIN …-----` / `-----END …-----` block.
    case notPEM
    /// The PEM block is of a kind DKIM keys never come in (`PUBLIC KEY`, `CERTIFICATE`, …).
    case unsupportedPEMLabel(String)
    /// The key is encrypted with a passphrase; Portier reads only unencrypted keys.
    case encryptedKey
    /// The PEM block's base64 or DER structure is broken.
    case malformedKey
    /// A PKCS#8 key for an algorithm DKIM cannot use (an EC P-256 key, say); the OID in dotted form.
    case unsupportedKeyAlgorithm(oid: String)
    /// An RSA key shorter than the 2048 bits Portier requires (RFC 8301 allows 1024, but
    /// receivers increasingly treat such signatures as absent).
    case rsaKeyTooSmall(bitCount: Int)
    /// swift-crypto failed to create a new key.
    case keyGenerationFailed
    /// The signing domain (`d=`) is not a DNS name of ASCII letters, digits and hyphens.
    case invalidDomain(String)
    /// The selector (`s=`) is not a DNS name of ASCII letters, digits and hyphens.
    case invalidSelector(String)
    /// The message is not an RFC 5322 message with CRLF line endings.
    case malformedMessage(reason: String)
    /// The message has no `From` field, which RFC 6376 § 5.4 requires every signature to cover.
    case missingFromField
    /// swift-crypto failed to produce a signature.
    case signingFailed
}

extension DKIMError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .notPEM:
            "DKIM private key is not PEM text: expected a '-----BEGIN PRIVATE KEY-----' or '-----BEGIN RSA PRIVATE KEY-----' block"
        case .unsupportedPEMLabel(let label):
            "DKIM private key is a '\(label)' PEM block: expected 'PRIVATE KEY' (PKCS#8, RSA or Ed25519) or 'RSA PRIVATE KEY' (PKCS#1)"
        case .encryptedKey:
            "DKIM private key is encrypted with a passphrase: store it unencrypted with file mode 0600"
        case .malformedKey:
            "DKIM private key PEM block is damaged: its base64 or DER structure could not be decoded"
        case .unsupportedKeyAlgorithm(let oid):
            "DKIM private key uses algorithm OID \(oid): only RSA (1.2.840.113549.1.1.1) and Ed25519 (1.3.101.112) can sign DKIM"
        case .rsaKeyTooSmall(let bitCount):
            "DKIM RSA private key has \(bitCount) bits: at least 2048 are required"
        case .keyGenerationFailed:
            "Generating a DKIM private key failed"
        case .invalidDomain(let domain):
            "DKIM signing domain \(domain.debugDescription) is not an ASCII DNS name (use the punycode form of international names)"
        case .invalidSelector(let selector):
            "DKIM selector \(selector.debugDescription) is not an ASCII DNS label sequence"
        case .malformedMessage(let reason):
            "Cannot DKIM-sign the message: \(reason)"
        case .missingFromField:
            "Cannot DKIM-sign the message: it has no From field"
        case .signingFailed:
            "Producing the DKIM signature failed"
        }
    }
}
