/// The kind of key that signs, which also fixes the signature algorithm: DKIM pairs RSA only
/// with `rsa-sha256` (RFC 8301 retired `rsa-sha1`) and Ed25519 only with `ed25519-sha256`
/// (RFC 8463).
public enum DKIMKeyType: String, Sendable, Hashable, CaseIterable {
    /// RSA, 2048 bits or more; what every receiver verifies.
    case rsa
    /// Ed25519; short keys and signatures, but not yet verified by every receiver, so
    /// domains that use it usually publish an RSA selector too.
    case ed25519

    /// The `k=` tag value of the DNS record.
    public var dnsKeyType: String { rawValue }

    /// The `a=` tag value of the signature.
    public var signingAlgorithm: String {
        switch self {
        case .rsa: "rsa-sha256"
        case .ed25519: "ed25519-sha256"
        }
    }
}
