import Crypto
import CryptoExtras

/// A credential public key parsed from its COSE_Key encoding (RFC 9052 §7,
/// RFC 9053 for the key types), ready to check signatures.
///
/// WebAuthn requires the `alg` parameter, and this type insists that it
/// matches the key type and curve, so a key can never be used with an
/// algorithm it was not registered for.
public struct COSEKey: Sendable {
    /// The algorithm the key is bound to.
    public let algorithm: COSEAlgorithm
    private let verifier: Verifier

    private enum Verifier: Sendable {
        case p256(P256.Signing.PublicKey)
        case ed25519(Curve25519.Signing.PublicKey)
        case rsa(_RSA.Signing.PublicKey)
    }

    /// COSE key common parameters and key-type parameters (RFC 9052 §7.1,
    /// RFC 9053 §7).
    private enum Label {
        static let keyType = 1
        static let algorithm = 3
        static let curve = -1
        static let x = -2
        static let y = -3
        static let rsaModulus = -1
        static let rsaExponent = -2
    }

    private enum KeyType {
        static let okp = 1
        static let ec2 = 2
        static let rsa = 3
    }

    private enum Curve {
        static let p256 = 1
        static let ed25519 = 6
    }

    /// Parses the stored or freshly received COSE_Key bytes.
    public init(bytes: some Collection<UInt8>) throws(WebAuthnError) {
        let value: CBORValue
        do {
            value = try CBORDecoder().decode(bytes)
        } catch {
            throw .invalidCBOR(error)
        }
        guard let map = value.map else { throw .malformed("COSE key is not a CBOR map") }
        try self.init(map: map)
    }

    /// Parses a COSE_Key that has already been decoded.
    public init(map: CBORMap) throws(WebAuthnError) {
        guard let keyType = map[Label.keyType]?.intValue else {
            throw .malformed("COSE key has no integer kty")
        }
        guard let algorithmValue = map[Label.algorithm] else {
            throw .malformed("COSE key has no alg")
        }
        guard let algorithmID = algorithmValue.intValue else {
            throw .malformed("COSE key alg is not an integer")
        }
        guard let algorithm = COSEAlgorithm(rawValue: algorithmID) else {
            throw .unsupportedAlgorithm(algorithmID)
        }
        self.algorithm = algorithm

        switch algorithm {
        case .es256:
            guard keyType == KeyType.ec2 else { throw .malformed("ES256 key must have kty EC2") }
            guard map[Label.curve]?.intValue == Curve.p256 else {
                throw .malformed("ES256 key must be on curve P-256")
            }
            let x = try Self.bytes(in: map, at: Label.x, named: "x", count: 32)
            let y = try Self.bytes(in: map, at: Label.y, named: "y", count: 32)
            do {
                verifier = .p256(try P256.Signing.PublicKey(rawRepresentation: x + y))
            } catch {
                throw .invalidPublicKey("P-256 point is not on the curve")
            }
        case .edDSA:
            guard keyType == KeyType.okp else { throw .malformed("EdDSA key must have kty OKP") }
            guard let curve = map[Label.curve]?.intValue else { throw .malformed("EdDSA key has no crv") }
            // Ed448 (crv 7) is a valid EdDSA key that Portier chooses not to support.
            guard curve == Curve.ed25519 else { throw .unsupportedAlgorithm(algorithmID) }
            let x = try Self.bytes(in: map, at: Label.x, named: "x", count: 32)
            do {
                verifier = .ed25519(try Curve25519.Signing.PublicKey(rawRepresentation: x))
            } catch {
                throw .invalidPublicKey("Ed25519 public key is invalid")
            }
        case .rs256:
            guard keyType == KeyType.rsa else { throw .malformed("RS256 key must have kty RSA") }
            let modulus = try Self.bytes(in: map, at: Label.rsaModulus, named: "n")
            let exponent = try Self.bytes(in: map, at: Label.rsaExponent, named: "e")
            guard !modulus.isEmpty, !exponent.isEmpty else { throw .invalidPublicKey("empty RSA parameter") }
            do {
                // swift-crypto refuses moduli below 2048 bits, which is what we want.
                verifier = .rsa(try _RSA.Signing.PublicKey(n: modulus, e: exponent))
            } catch {
                throw .invalidPublicKey("RSA key is too small or invalid")
            }
        }
    }

    private static func bytes(
        in map: CBORMap, at label: Int, named name: String, count: Int? = nil
    ) throws(WebAuthnError) -> [UInt8] {
        guard let bytes = map[label]?.bytes else {
            throw .malformed("COSE key has no byte string \(name)")
        }
        if let count, bytes.count != count {
            throw .malformed("COSE key \(name) must be \(count) bytes, not \(bytes.count)")
        }
        return bytes
    }

    /// Checks `signature` over `message` as WebAuthn encodes it for the
    /// key's algorithm: DER for ECDSA, raw for EdDSA and RSA.
    public func isValidSignature(_ signature: some Collection<UInt8>, for message: some Collection<UInt8>) -> Bool {
        let signature = Array(signature)
        let message = Array(message)
        switch verifier {
        case .p256(let key):
            guard let ecdsaSignature = try? P256.Signing.ECDSASignature(derRepresentation: signature) else {
                return false
            }
            return key.isValidSignature(ecdsaSignature, for: message)
        case .ed25519(let key):
            return key.isValidSignature(signature, for: message)
        case .rsa(let key):
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature),
                for: message,
                padding: .insecurePKCS1v1_5
            )
        }
    }
}
