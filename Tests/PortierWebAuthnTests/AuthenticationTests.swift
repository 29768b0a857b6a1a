import Foundation
import PortierWebAuthn
import Testing

@Suite("Authentication ceremony (WebAuthn §7.2)")
struct AuthenticationTests {
    let relyingParty = ReferenceVectors.relyingParty

    static let userVerifiedVectors = [
        ReferenceVectors.es256Authentication,
        ReferenceVectors.edDSAAuthentication,
        ReferenceVectors.rs256Authentication,
    ]

    func verify(
        _ vector: AuthenticationVector,
        clientDataJSON: [UInt8]? = nil,
        authenticatorData: [UInt8]? = nil,
        signature: [UInt8]? = nil,
        challenge: [UInt8]? = nil,
        storedSignCount: UInt32? = nil,
        relyingParty: RelyingParty? = nil,
        requireUserVerification: Bool = true
    ) throws(WebAuthnError) -> VerifiedAuthentication {
        try (relyingParty ?? self.relyingParty).verifyAuthentication(
            clientDataJSON: clientDataJSON ?? vector.clientDataJSON.base64URLBytes,
            authenticatorData: authenticatorData ?? vector.authenticatorData.base64URLBytes,
            signature: signature ?? vector.signature.base64URLBytes,
            expectedChallenge: challenge ?? vector.challenge.base64URLBytes,
            credential: StoredCredential(
                publicKey: vector.publicKey.base64URLBytes,
                signCount: storedSignCount ?? vector.storedSignCount
            ),
            requireUserVerification: requireUserVerification
        )
    }

    static func clientData(_ vector: AuthenticationVector, setting key: String, to value: Any) -> [UInt8] {
        var object = try! JSONSerialization.jsonObject(with: Data(vector.clientDataJSON.base64URLBytes)) as! [String: Any]
        object[key] = value
        return Array(try! JSONSerialization.data(withJSONObject: object))
    }

    @Test("Valid sign-ins from py_webauthn-checked vectors", arguments: userVerifiedVectors)
    func valid(vector: AuthenticationVector) throws {
        let result = try verify(vector)
        #expect(result.newSignCount == vector.signCount)
        #expect(result.userVerified)
    }

    @Test("The browser's toJSON() form verifies")
    func browserJSON() throws {
        let vector = ReferenceVectors.rs256Authentication
        let json = """
        {"id":"\(vector.credentialID)","rawId":"\(vector.credentialID)","type":"public-key",
         "response":{"clientDataJSON":"\(vector.clientDataJSON)","authenticatorData":"\(vector.authenticatorData)",
         "signature":"\(vector.signature)","userHandle":"AQID"},"clientExtensionResults":{}}
        """
        let response = try JSONDecoder().decode(AuthenticationCredentialJSON.self, from: Data(json.utf8))
        #expect(response.rawId.bytes == vector.credentialID.base64URLBytes)
        #expect(response.response.userHandle == [1, 2, 3])
        let result = try relyingParty.verifyAuthentication(
            response,
            expectedChallenge: vector.challenge.base64URLBytes,
            credential: StoredCredential(publicKey: vector.publicKey.base64URLBytes, signCount: vector.storedSignCount)
        )
        #expect(result.newSignCount == vector.signCount)
    }

    @Test("Missing user verification is refused when required, accepted otherwise")
    func missingUserVerification() throws {
        let vector = ReferenceVectors.es256WithoutUserVerificationAuthentication
        #expect(throws: WebAuthnError.userNotVerified) { try verify(vector) }
        let result = try verify(vector, requireUserVerification: false)
        #expect(!result.userVerified)
        #expect(result.isBackedUp)
    }

    @Test("Missing user presence is refused")
    func missingUserPresence() {
        let vector = ReferenceVectors.edDSAAuthentication
        var data = vector.authenticatorData.base64URLBytes
        data[32] &= ~AuthenticatorFlags.userPresent.rawValue
        #expect(throws: WebAuthnError.userNotPresent) { try verify(vector, authenticatorData: data) }
    }

    @Test("A different challenge is refused", arguments: userVerifiedVectors)
    func wrongChallenge(vector: AuthenticationVector) {
        var challenge = vector.challenge.base64URLBytes
        challenge[0] ^= 0xff
        #expect(throws: WebAuthnError.challengeMismatch) { try verify(vector, challenge: challenge) }
    }

    @Test("A challenge that is not base64url is refused")
    func challengeNotBase64URL() {
        let vector = ReferenceVectors.es256Authentication
        let json = Self.clientData(vector, setting: "challenge", to: vector.challenge + "=")
        #expect(throws: WebAuthnError.challengeMismatch) { try verify(vector, clientDataJSON: json) }
    }

    @Test("Another origin is refused", arguments: userVerifiedVectors)
    func wrongOrigin(vector: AuthenticationVector) {
        let other = RelyingParty(id: ReferenceVectors.rpID, name: "Portier", origin: "https://portier.example.evil")
        #expect(throws: WebAuthnError.originMismatch) { try verify(vector, relyingParty: other) }
    }

    @Test("Another RP ID is refused", arguments: userVerifiedVectors)
    func wrongRPID(vector: AuthenticationVector) {
        let other = RelyingParty(id: "example", name: "Portier", origin: ReferenceVectors.origin)
        #expect(throws: WebAuthnError.rpIDMismatch) { try verify(vector, relyingParty: other) }
    }

    @Test("A registration's clientDataJSON is not a sign-in")
    func wrongType() {
        let vector = ReferenceVectors.edDSAAuthentication
        let json = Self.clientData(vector, setting: "type", to: "webauthn.create")
        #expect(throws: WebAuthnError.wrongType) { try verify(vector, clientDataJSON: json) }
    }

    @Test("A tampered signature is refused", arguments: userVerifiedVectors)
    func badSignature(vector: AuthenticationVector) {
        var signature = vector.signature.base64URLBytes
        signature[signature.count / 2] ^= 0x01
        #expect(throws: WebAuthnError.badSignature) { try verify(vector, signature: signature) }
    }

    @Test("Tampered signed data is refused", arguments: userVerifiedVectors)
    func tamperedSignedData(vector: AuthenticationVector) {
        var data = vector.authenticatorData.base64URLBytes
        data[36] &+= 1 // a forged counter
        #expect(throws: WebAuthnError.badSignature) { try verify(vector, authenticatorData: data) }

        // Same challenge and origin, different bytes: the hash no longer matches.
        let reordered = Array(
            #"{"challenge":"\#(vector.challenge)","origin":"\#(ReferenceVectors.origin)","type":"webauthn.get"}"#.utf8
        )
        #expect(throws: WebAuthnError.badSignature) { try verify(vector, clientDataJSON: reordered) }
    }

    @Test("Another credential's key does not verify the signature")
    func wrongKey() {
        let vector = ReferenceVectors.es256Authentication
        #expect(throws: WebAuthnError.badSignature) {
            try relyingParty.verifyAuthentication(
                clientDataJSON: vector.clientDataJSON.base64URLBytes,
                authenticatorData: vector.authenticatorData.base64URLBytes,
                signature: vector.signature.base64URLBytes,
                expectedChallenge: vector.challenge.base64URLBytes,
                credential: StoredCredential(publicKey: Self.otherP256Key, signCount: 0)
            )
        }
    }

    /// A valid ES256 COSE key (the P-256 base point, private key 1) that
    /// made none of the vectors' signatures.
    static let otherP256Key: [UInt8] = [UInt8](hex: """
        a5010203262001215820 6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296
        225820 4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5
        """)

    @Test("A counter that goes backwards or stands still is refused", arguments: [
        (ReferenceVectors.edDSAAuthentication, UInt32(2)),
        (ReferenceVectors.edDSAAuthentication, UInt32(3)),
        (ReferenceVectors.rs256Authentication, UInt32(6)),
        (ReferenceVectors.rs256Authentication, UInt32.max),
    ])
    func counterWentBackwards(vector: AuthenticationVector, stored: UInt32) {
        #expect(throws: WebAuthnError.counterWentBackwards(stored: stored, received: vector.signCount)) {
            try verify(vector, storedSignCount: stored)
        }
    }

    @Test("A zero counter after a non-zero one is refused (possible clone)")
    func zeroAfterNonZero() {
        #expect(throws: WebAuthnError.counterWentBackwards(stored: 7, received: 0)) {
            try verify(ReferenceVectors.es256Authentication, storedSignCount: 7)
        }
    }

    @Test("Authenticators without a counter (always 0) are accepted")
    func zeroCounters() throws {
        let vector = ReferenceVectors.es256Authentication
        #expect(vector.storedSignCount == 0 && vector.signCount == 0)
        #expect(try verify(vector).newSignCount == 0)
    }

    @Test("A counter that jumps forward is accepted")
    func counterJumpsForward() throws {
        #expect(try verify(ReferenceVectors.rs256Authentication, storedSignCount: 0).newSignCount == 6)
    }

    @Test("The signature is checked before the counter, so a forged response learns nothing")
    func signatureBeforeCounter() {
        let vector = ReferenceVectors.rs256Authentication
        var signature = vector.signature.base64URLBytes
        signature[0] ^= 0x01
        #expect(throws: WebAuthnError.badSignature) { try verify(vector, signature: signature, storedSignCount: 100) }
    }

    @Test("A corrupt stored key is reported, not crashed on")
    func corruptStoredKey() {
        let vector = ReferenceVectors.es256Authentication
        #expect(throws: WebAuthnError.invalidCBOR(.lengthExceedsInput(declared: 5, remaining: 1))) {
            try relyingParty.verifyAuthentication(
                clientDataJSON: vector.clientDataJSON.base64URLBytes,
                authenticatorData: vector.authenticatorData.base64URLBytes,
                signature: vector.signature.base64URLBytes,
                expectedChallenge: vector.challenge.base64URLBytes,
                credential: StoredCredential(publicKey: [0xa5, 0x01], signCount: 0)
            )
        }
    }
}
