import Foundation
import PortierWebAuthn
import WebAuthnTestSupport
import Testing

@Suite("Registration ceremony (WebAuthn §7.1)")
struct RegistrationTests {
    let relyingParty = ReferenceVectors.relyingParty

    static let allVectors = [
        ReferenceVectors.es256Registration,
        ReferenceVectors.es256PackedRegistration,
        ReferenceVectors.edDSARegistration,
        ReferenceVectors.rs256Registration,
    ]

    func verify(
        _ vector: RegistrationVector,
        clientDataJSON: [UInt8]? = nil,
        attestationObject: [UInt8]? = nil,
        challenge: [UInt8]? = nil,
        relyingParty: RelyingParty? = nil,
        requireUserVerification: Bool = true
    ) throws(WebAuthnError) -> RegisteredCredential {
        try (relyingParty ?? self.relyingParty).verifyRegistration(
            clientDataJSON: clientDataJSON ?? vector.clientDataJSON.base64URLBytes,
            attestationObject: attestationObject ?? vector.attestationObject.base64URLBytes,
            expectedChallenge: challenge ?? vector.challenge.base64URLBytes,
            requireUserVerification: requireUserVerification
        )
    }

    /// The vector's clientDataJSON with one member replaced.
    static func clientData(_ vector: RegistrationVector, setting key: String, to value: Any) -> [UInt8] {
        let original = vector.clientDataJSON.base64URLBytes
        var object = try! JSONSerialization.jsonObject(with: Data(original)) as! [String: Any]
        object[key] = value
        return Array(try! JSONSerialization.data(withJSONObject: object))
    }

    @Test("Valid registrations from py_webauthn-checked vectors", arguments: allVectors)
    func valid(vector: RegistrationVector) throws {
        let credential = try verify(vector)
        #expect(credential.id == vector.credentialID.base64URLBytes)
        #expect(credential.publicKey == vector.publicKey.base64URLBytes)
        #expect(credential.algorithm.rawValue == vector.algorithm)
        #expect(credential.signCount == vector.signCount)
        #expect(credential.isBackupEligible == vector.isBackupEligible)
        #expect(credential.isBackedUp == vector.isBackedUp)
        #expect(credential.userVerified)
        #expect(credential.attestationFormat == vector.format)
        #expect(credential.aaguid == Array(repeating: 0, count: 16))
    }

    @Test("The browser's toJSON() form verifies and rawId must match")
    func browserJSON() throws {
        let vector = ReferenceVectors.es256Registration
        let json = """
        {"id":"\(vector.credentialID)","rawId":"\(vector.credentialID)","type":"public-key",
         "response":{"clientDataJSON":"\(vector.clientDataJSON)","attestationObject":"\(vector.attestationObject)",
         "transports":["internal","hybrid"]},"clientExtensionResults":{},"authenticatorAttachment":"platform"}
        """
        var credential = try JSONDecoder().decode(RegistrationCredentialJSON.self, from: Data(json.utf8))
        #expect(credential.response.transports == ["internal", "hybrid"])
        let registered = try relyingParty.verifyRegistration(
            credential, expectedChallenge: vector.challenge.base64URLBytes
        )
        #expect(registered.id == vector.credentialID.base64URLBytes)

        credential.rawId = [1, 2, 3]
        #expect(isMalformed(webAuthnError {
            _ = try relyingParty.verifyRegistration(credential, expectedChallenge: vector.challenge.base64URLBytes)
        }))
    }

    @Test("A different challenge is refused")
    func wrongChallenge() {
        #expect(throws: WebAuthnError.challengeMismatch) {
            try verify(ReferenceVectors.es256Registration, challenge: Array(repeating: 0, count: 32))
        }
    }

    @Test("Another page's origin is refused", arguments: [
        "https://evil.example", "http://portier.example", "https://portier.example:8443",
        "https://sub.portier.example", "https://portier.example/",
    ])
    func wrongOrigin(origin: String) {
        let vector = ReferenceVectors.es256Registration
        #expect(throws: WebAuthnError.originMismatch) {
            try verify(vector, clientDataJSON: Self.clientData(vector, setting: "origin", to: origin))
        }
    }

    @Test("A server configured for another origin refuses the response")
    func serverWithOtherOrigin() {
        let other = RelyingParty(id: ReferenceVectors.rpID, name: "Portier", origin: "https://other.example")
        #expect(throws: WebAuthnError.originMismatch) {
            try verify(ReferenceVectors.edDSARegistration, relyingParty: other)
        }
    }

    @Test("A credential scoped to another RP ID is refused")
    func wrongRPID() {
        let other = RelyingParty(id: "other.example", name: "Portier", origin: ReferenceVectors.origin)
        #expect(throws: WebAuthnError.rpIDMismatch) { try verify(ReferenceVectors.rs256Registration, relyingParty: other) }
    }

    @Test("clientDataJSON of a sign-in is not a registration")
    func wrongType() {
        let vector = ReferenceVectors.es256Registration
        #expect(throws: WebAuthnError.wrongType) {
            try verify(vector, clientDataJSON: Self.clientData(vector, setting: "type", to: "webauthn.get"))
        }
    }

    @Test("A cross-origin iframe ceremony is refused")
    func crossOrigin() {
        let vector = ReferenceVectors.es256Registration
        #expect(throws: WebAuthnError.crossOriginNotAllowed) {
            try verify(vector, clientDataJSON: Self.clientData(vector, setting: "crossOrigin", to: true))
        }
    }

    @Test("clientDataJSON that is not JSON is malformed")
    func clientDataNotJSON() {
        #expect(isMalformed(webAuthnError {
            _ = try verify(ReferenceVectors.es256Registration, clientDataJSON: Array("{\"type\":".utf8))
        }))
    }

    /// Rebuilds the vector's attestation object with altered parts.
    static func attestationObject(
        _ vector: RegistrationVector,
        format: String? = nil,
        statement: CBORValue? = nil,
        flags: (AuthenticatorFlags) -> AuthenticatorFlags = { $0 }
    ) -> [UInt8] {
        let map = try! CBORDecoder().decode(vector.attestationObject.base64URLBytes).map!
        var authData = map["authData"]!.bytes!
        authData[32] = flags(AuthenticatorFlags(rawValue: authData[32])).rawValue
        return CBOREncoding.encode(CBOREncoding.map([
            ("fmt", .textString(format ?? map["fmt"]!.string!)),
            ("attStmt", statement ?? map["attStmt"]!),
            ("authData", .byteString(authData)),
        ]))
    }

    @Test("Missing user verification is refused when required, accepted otherwise")
    func missingUserVerification() throws {
        let vector = ReferenceVectors.es256Registration
        let object = Self.attestationObject(vector) { $0.subtracting(.userVerified) }
        #expect(throws: WebAuthnError.userNotVerified) { try verify(vector, attestationObject: object) }
        let credential = try verify(vector, attestationObject: object, requireUserVerification: false)
        #expect(!credential.userVerified)
    }

    @Test("Missing user presence is refused")
    func missingUserPresence() {
        let vector = ReferenceVectors.es256Registration
        let object = Self.attestationObject(vector) { $0.subtracting(.userPresent) }
        #expect(throws: WebAuthnError.userNotPresent) { try verify(vector, attestationObject: object) }
    }

    @Test("Registration without attested credential data is malformed")
    func missingAttestedCredentialData() {
        let vector = ReferenceVectors.es256Registration
        let object = Self.attestationObject(vector) { $0.subtracting(.attestedCredentialData) }
        #expect(isMalformed(webAuthnError { _ = try verify(vector, attestationObject: object) }))
    }

    @Test("Attestation formats other than none and packed self attestation are refused", arguments: [
        "fido-u2f", "tpm", "android-key", "android-safetynet", "apple", "unknown",
    ])
    func unsupportedFormat(format: String) {
        let vector = ReferenceVectors.es256Registration
        #expect(throws: WebAuthnError.unsupportedAttestationFormat(format)) {
            try verify(vector, attestationObject: Self.attestationObject(vector, format: format))
        }
    }

    @Test("Packed attestation with a certificate chain is refused")
    func packedFullAttestation() {
        let vector = ReferenceVectors.es256PackedRegistration
        let statement = CBOREncoding.map([
            ("alg", CBOREncoding.int(-7)), ("sig", .byteString([0x30])), ("x5c", .array([.byteString([0x30])])),
        ])
        #expect(throws: WebAuthnError.unsupportedAttestationFormat("packed with an attestation certificate")) {
            try verify(vector, attestationObject: Self.attestationObject(vector, statement: statement))
        }
    }

    @Test("Packed self attestation with a wrong signature is refused")
    func packedBadSignature() throws {
        let vector = ReferenceVectors.es256PackedRegistration
        let original = try #require(try CBORDecoder().decode(vector.attestationObject.base64URLBytes).map)
        var signature = try #require(original["attStmt"]?.map?["sig"]?.bytes)
        signature[signature.count - 2] ^= 0x01
        let statement = CBOREncoding.map([("alg", CBOREncoding.int(-7)), ("sig", .byteString(signature))])
        #expect(throws: WebAuthnError.badSignature) {
            try verify(vector, attestationObject: Self.attestationObject(vector, statement: statement))
        }
    }

    @Test("Packed self attestation must name the credential key's algorithm")
    func packedAlgorithmMismatch() {
        let vector = ReferenceVectors.es256PackedRegistration
        let statement = CBOREncoding.map([("alg", CBOREncoding.int(-257)), ("sig", .byteString([0x30]))])
        #expect(isMalformed(webAuthnError {
            _ = try verify(vector, attestationObject: Self.attestationObject(vector, statement: statement))
        }))
    }

    @Test("A none attestation must have an empty statement")
    func noneWithStatement() {
        let vector = ReferenceVectors.es256Registration
        let statement = CBOREncoding.map([("sig", CBORValue.byteString([1]))])
        #expect(isMalformed(webAuthnError {
            _ = try verify(vector, attestationObject: Self.attestationObject(vector, statement: statement))
        }))
    }

    @Test("Attestation objects that are not CBOR maps of the right shape are refused")
    func malformedAttestationObject() {
        let vector = ReferenceVectors.es256Registration
        #expect(isMalformed(webAuthnError { _ = try verify(vector, attestationObject: [0x80]) }))
        #expect(isMalformed(webAuthnError {
            _ = try verify(vector, attestationObject: CBOREncoding.encode(CBOREncoding.map([("fmt", CBORValue.textString("none"))])))
        }))
        var trailing = vector.attestationObject.base64URLBytes
        trailing.append(0)
        #expect(throws: WebAuthnError.invalidCBOR(.trailingBytes(count: 1))) {
            try verify(vector, attestationObject: trailing)
        }
    }
}
