import Crypto
import CryptoExtras
import Foundation

/// A key that signs DKIM signatures: RSA of 2048 bits or more, or Ed25519.
///
/// Load the configured key with ``init(pemRepresentation:)``, or create one for a new
/// selector with ``init(generating:)`` and store ``pemRepresentation`` (mode 0600) while
/// publishing ``dnsRecord(domain:selector:)``.
///
/// Printing a key, interpolating it or `dump`ing it shows its type and size, never the key.
public struct DKIMPrivateKey: Sendable {
    enum Storage: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    let storage: Storage

    /// The smallest RSA key accepted, loaded or generated.
    public static let minimumRSABitCount = 2048

    /// Loads a key from PEM text: PKCS#8 (`BEGIN PRIVATE KEY`, RSA or Ed25519) or PKCS#1
    /// (`BEGIN RSA PRIVATE KEY`), unencrypted, as `openssl genpkey` or ``pemRepresentation`` write it.
    /// - Throws: ``DKIMError`` naming what is wrong: not PEM, a PEM block of another kind, an
    ///   encrypted key, damaged data, another algorithm, or an RSA key under 2048 bits.
    public init(pemRepresentation: String) throws(DKIMError) {
        let block = try PEMBlock(parsing: pemRepresentation)
        let info: PrivateKeyInfo
        switch block.label {
        case "RSA PRIVATE KEY": info = try PrivateKeyInfo(pkcs1: block.derBytes)
        case "PRIVATE KEY": info = try PrivateKeyInfo(pkcs8: block.derBytes)
        default: throw .unsupportedPEMLabel(block.label)
        }
        switch info {
        case .rsa(let bitCount):
            // Checked here rather than left to swift-crypto, whose refusal names no size.
            guard bitCount >= Self.minimumRSABitCount else { throw .rsaKeyTooSmall(bitCount: bitCount) }
            do {
                storage = .rsa(try _RSA.Signing.PrivateKey(derRepresentation: block.derBytes))
            } catch {
                throw .malformedKey
            }
        case .ed25519:
            do {
                storage = .ed25519(try Curve25519.Signing.PrivateKey(derRepresentation: block.derBytes))
            } catch {
                throw .malformedKey
            }
        case .other(let oid):
            throw .unsupportedKeyAlgorithm(oid: oid)
        }
    }

    /// Creates a new random key: RSA 2048 (what every receiver verifies) or Ed25519.
    /// - Throws: ``DKIMError/keyGenerationFailed`` if swift-crypto cannot create an RSA key.
    public init(generating type: DKIMKeyType) throws(DKIMError) {
        switch type {
        case .rsa:
            do {
                storage = .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048))
            } catch {
                throw .keyGenerationFailed
            }
        case .ed25519:
            storage = .ed25519(Curve25519.Signing.PrivateKey())
        }
    }

    /// RSA or Ed25519, which also decides the signature's `a=` algorithm.
    public var type: DKIMKeyType {
        switch storage {
        case .rsa: .rsa
        case .ed25519: .ed25519
        }
    }

    /// The RSA modulus length, or 256 for Ed25519.
    public var bitCount: Int {
        switch storage {
        case .rsa(let key): key.keySizeInBits
        case .ed25519: 256
        }
    }

    /// The key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), readable by
    /// ``init(pemRepresentation:)``, OpenSSL, OpenDKIM and rspamd. Store it with mode 0600.
    public var pemRepresentation: String {
        switch storage {
        case .rsa(let key): PEMBlock.pemText(label: "PRIVATE KEY", derBytes: key.pkcs8DERRepresentation)
        case .ed25519(let key): PEMBlock.pemText(label: "PRIVATE KEY", derBytes: key.derRepresentation)
        }
    }

    /// The `p=` value of the DNS record: base64 of the DER SubjectPublicKeyInfo for RSA
    /// (RFC 6376 § 3.6.1), of the bare 32-byte public key for Ed25519 (RFC 8463 § 4.2).
    public var publicKeyBase64: String {
        switch storage {
        case .rsa(let key): key.publicKey.derRepresentation.base64EncodedString()
        case .ed25519(let key): key.publicKey.rawRepresentation.base64EncodedString()
        }
    }

    /// The TXT record that publishes this key's public half for `selector` under `domain`.
    public func dnsRecord(domain: String, selector: String) -> DKIMDNSRecord {
        DKIMDNSRecord(domain: domain, selector: selector, keyType: type, publicKeyBase64: publicKeyBase64)
    }

    /// Signs the canonicalized header data (RFC 6376 § 3.7): RSASSA-PKCS1-v1_5 over SHA-256
    /// for RSA; for Ed25519, PureEd25519 over the SHA-256 digest of the data (RFC 8463 § 3).
    func signature(for data: [UInt8]) throws(DKIMError) -> Data {
        do {
            switch storage {
            case .rsa(let key):
                return try key.signature(for: data, padding: .insecurePKCS1v1_5).rawRepresentation
            case .ed25519(let key):
                return try key.signature(for: Data(SHA256.hash(data: data)))
            }
        } catch {
            throw .signingFailed
        }
    }
}

extension DKIMPrivateKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "DKIMPrivateKey(\(type.rawValue), \(bitCount) bits)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["type": type, "bitCount": bitCount]) }
}
