import Crypto
import PortierWebAuthn
import WebAuthnTestSupport
import Testing

@Suite("COSE key parsing")
struct COSEKeyTests {
    /// A real P-256 key encoded the way authenticators do.
    static let p256 = P256.Signing.PrivateKey()
    static var p256Coordinates: (x: [UInt8], y: [UInt8]) {
        let raw = Array(p256.publicKey.rawRepresentation)
        return (Array(raw[..<32]), Array(raw[32...]))
    }

    static func ec2Key(alg: Int = -7, crv: Int = 1, x: [UInt8]? = nil, y: [UInt8]? = nil) -> [UInt8] {
        CBOREncoding.encode(CBOREncoding.map([
            (1, CBOREncoding.int(2)),
            (3, CBOREncoding.int(alg)),
            (-1, CBOREncoding.int(crv)),
            (-2, .byteString(x ?? p256Coordinates.x)),
            (-3, .byteString(y ?? p256Coordinates.y)),
        ]))
    }

    @Test("Each reference algorithm parses from its stored COSE bytes", arguments: [
        (ReferenceVectors.es256Registration, COSEAlgorithm.es256),
        (ReferenceVectors.edDSARegistration, .edDSA),
        (ReferenceVectors.rs256Registration, .rs256),
    ])
    func referenceKeys(vector: RegistrationVector, algorithm: COSEAlgorithm) throws {
        let key = try COSEKey(bytes: vector.publicKey.base64URLBytes)
        #expect(key.algorithm == algorithm)
        #expect(key.algorithm.rawValue == vector.algorithm)
    }

    @Test("An ES256 key verifies DER signatures made by its private key")
    func es256Signature() throws {
        let key = try COSEKey(bytes: Self.ec2Key())
        let message = Array("portier".utf8)
        let signature = try Self.p256.signature(for: message).derRepresentation
        #expect(key.isValidSignature(signature, for: message))
        #expect(!key.isValidSignature(signature, for: Array("portiers".utf8)))
        #expect(!key.isValidSignature(Array(signature.dropLast()), for: message))
        #expect(!key.isValidSignature([UInt8](), for: message))
    }

    @Test("An Ed25519 key verifies raw signatures")
    func ed25519Signature() throws {
        let privateKey = Curve25519.Signing.PrivateKey()
        let bytes = CBOREncoding.encode(CBOREncoding.map([
            (1, CBOREncoding.int(1)), (3, CBOREncoding.int(-8)), (-1, CBOREncoding.int(6)),
            (-2, .byteString(Array(privateKey.publicKey.rawRepresentation))),
        ]))
        let key = try COSEKey(bytes: bytes)
        let message = Array("portier".utf8)
        #expect(key.isValidSignature(Array(try privateKey.signature(for: message)), for: message))
        #expect(!key.isValidSignature([UInt8](repeating: 0, count: 64), for: message))
    }

    @Test("Unsupported algorithms are refused with their identifier", arguments: [-35, -36, -37, -65535, 1])
    func unsupportedAlgorithm(alg: Int) {
        #expect(throws: WebAuthnError.unsupportedAlgorithm(alg)) {
            try COSEKey(bytes: Self.ec2Key(alg: alg))
        }
    }

    @Test("Ed448 is an EdDSA key Portier does not accept")
    func ed448() {
        let bytes = CBOREncoding.encode(CBOREncoding.map([
            (1, CBOREncoding.int(1)), (3, CBOREncoding.int(-8)), (-1, CBOREncoding.int(7)),
            (-2, .byteString(Array(repeating: 1, count: 57))),
        ]))
        #expect(throws: WebAuthnError.unsupportedAlgorithm(-8)) { try COSEKey(bytes: bytes) }
    }

    @Test("Structurally wrong keys are malformed", arguments: [
        // Wrong curve for ES256.
        ec2Key(crv: 2),
        // Coordinates of the wrong length.
        ec2Key(x: Array(repeating: 1, count: 31)),
        ec2Key(y: Array(repeating: 1, count: 33)),
        // Not a map.
        CBOREncoding.encode(.array([])),
        // No alg.
        CBOREncoding.encode(CBOREncoding.map([(1, CBOREncoding.int(2))])),
        // alg is text.
        CBOREncoding.encode(CBOREncoding.map([(1, CBOREncoding.int(2)), (3, .textString("ES256"))])),
        // ES256 declared on an RSA key type.
        CBOREncoding.encode(CBOREncoding.map([(1, CBOREncoding.int(3)), (3, CBOREncoding.int(-7))])),
        // RS256 without a modulus.
        CBOREncoding.encode(CBOREncoding.map([
            (1, CBOREncoding.int(3)), (3, CBOREncoding.int(-257)), (-2, .byteString([1, 0, 1])),
        ])),
    ])
    func malformedKeys(bytes: [UInt8]) {
        #expect(isMalformed(webAuthnError { _ = try COSEKey(bytes: bytes) }))
    }

    @Test("A P-256 point that is not on the curve is refused")
    func pointNotOnCurve() {
        let error = webAuthnError { _ = try COSEKey(bytes: Self.ec2Key(y: Array(repeating: 1, count: 32))) }
        guard case .invalidPublicKey = error else {
            Issue.record("expected invalidPublicKey, got \(String(describing: error))")
            return
        }
    }

    @Test("An RSA modulus below 2048 bits is refused")
    func smallRSAKey() {
        let bytes = CBOREncoding.encode(CBOREncoding.map([
            (1, CBOREncoding.int(3)), (3, CBOREncoding.int(-257)),
            (-1, .byteString([0xc1] + Array(repeating: 0x55, count: 127))), (-2, .byteString([1, 0, 1])),
        ]))
        let error = webAuthnError { _ = try COSEKey(bytes: bytes) }
        guard case .invalidPublicKey = error else {
            Issue.record("expected invalidPublicKey, got \(String(describing: error))")
            return
        }
    }

    @Test("Invalid CBOR in a stored key is reported as such")
    func invalidCBOR() {
        var bytes = Self.ec2Key()
        bytes.append(0)
        #expect(throws: WebAuthnError.invalidCBOR(.trailingBytes(count: 1))) { try COSEKey(bytes: bytes) }
        #expect(throws: WebAuthnError.invalidCBOR(.lengthExceedsInput(declared: 32, remaining: 31))) {
            try COSEKey(bytes: Self.ec2Key().dropLast())
        }
    }
}
