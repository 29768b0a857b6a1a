/// The COSE signature algorithms Portier accepts for passkeys
/// (IANA "COSE Algorithms" registry identifiers).
///
/// ES256 is what nearly every authenticator uses and is required; EdDSA and
/// RS256 cover security keys and Windows Hello.
public enum COSEAlgorithm: Int, Sendable, Hashable, CaseIterable, Codable {
    /// ECDSA over P-256 with SHA-256.
    case es256 = -7
    /// EdDSA; Portier supports it with Ed25519 only.
    case edDSA = -8
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    case rs256 = -257
}
