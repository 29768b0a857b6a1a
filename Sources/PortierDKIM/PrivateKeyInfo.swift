/// What a private key's DER says about itself, read before swift-crypto loads it so that an
/// unsuitable key is refused with a precise reason.
enum PrivateKeyInfo: Equatable {
    /// An RSA key whose modulus has this many bits.
    case rsa(modulusBitCount: Int)
    case ed25519
    /// A PKCS#8 key for another algorithm, by dotted OID.
    case other(oid: String)

    static let rsaEncryptionOID = "1.2.840.113549.1.1.1"
    static let ed25519OID = "1.3.101.112"

    /// Reads a PKCS#1 `RSAPrivateKey` (PEM label `RSA PRIVATE KEY`).
    init(pkcs1 der: [UInt8]) throws(DKIMError) {
        do {
            var outer = DERReader(der[...])
            var key = DERReader(try outer.read(.sequence))
            _ = try key.read(.integer)  // version
            self = .rsa(modulusBitCount: DERReader.bitCount(ofInteger: try key.read(.integer)))
        } catch {
            throw .malformedKey
        }
    }

    /// Reads a PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` (PEM label `PRIVATE KEY`, RFC 5208 and 5958).
    init(pkcs8 der: [UInt8]) throws(DKIMError) {
        do {
            var outer = DERReader(der[...])
            var info = DERReader(try outer.read(.sequence))
            _ = try info.read(.integer)  // version
            var algorithm = DERReader(try info.read(.sequence))
            let oid = DERReader.dottedObjectIdentifier(try algorithm.read(.objectIdentifier))
            switch oid {
            case Self.rsaEncryptionOID:
                self = try .init(pkcs1: Array(try info.read(.octetString)))
            case Self.ed25519OID:
                self = .ed25519
            default:
                self = .other(oid: oid)
            }
        } catch let error as DKIMError {
            throw error
        } catch {
            throw .malformedKey
        }
    }
}
