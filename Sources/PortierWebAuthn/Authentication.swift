/// What the app stored at registration and must supply at sign-in.
public struct StoredCredential: Sendable {
    /// The COSE_Key bytes from `RegisteredCredential.publicKey`.
    public var publicKey: [UInt8]
    /// The last signature counter accepted for this credential.
    public var signCount: UInt32

    public init(publicKey: [UInt8], signCount: UInt32) {
        self.publicKey = publicKey
        self.signCount = signCount
    }
}

/// A successful sign-in.
public struct VerifiedAuthentication: Sendable, Hashable {
    /// The counter to store in place of the old one.
    public let newSignCount: UInt32
    public let userVerified: Bool
    /// BS as reported now; a passkey may become backed up after registration.
    public let isBackedUp: Bool
}

extension RelyingParty {
    /// Verifies the response to `navigator.credentials.get()` following
    /// WebAuthn Level 2 §7.2.
    ///
    /// Looking up the credential by ID and checking that it belongs to the
    /// customer (and consuming the challenge) is the app's job; this checks
    /// everything the bytes themselves can prove.
    public func verifyAuthentication(
        clientDataJSON: some Collection<UInt8>,
        authenticatorData: some Collection<UInt8>,
        signature: some Collection<UInt8>,
        expectedChallenge: [UInt8],
        credential: StoredCredential,
        requireUserVerification: Bool = true
    ) throws(WebAuthnError) -> VerifiedAuthentication {
        let clientDataJSON = Array(clientDataJSON)
        let authenticatorDataBytes = Array(authenticatorData)
        let clientDataHash = try verifyClientData(
            clientDataJSON, type: .authentication, expectedChallenge: expectedChallenge
        )
        let data = try AuthenticatorData(bytes: authenticatorDataBytes)
        try verifyAuthenticatorData(data, requireUserVerification: requireUserVerification)

        let key = try COSEKey(bytes: credential.publicKey)
        guard key.isValidSignature(signature, for: authenticatorDataBytes + clientDataHash) else {
            throw .badSignature
        }

        // §7.2 step 21: a counter that does not advance means two copies of
        // the private key may exist. Authenticators without a counter send 0
        // every time, which is allowed only while the stored value is 0 too.
        if (data.signCount != 0 || credential.signCount != 0) && data.signCount <= credential.signCount {
            throw .counterWentBackwards(stored: credential.signCount, received: data.signCount)
        }

        return VerifiedAuthentication(
            newSignCount: data.signCount,
            userVerified: data.flags.contains(.userVerified),
            isBackedUp: data.flags.contains(.backupState)
        )
    }

    /// Verifies a browser's `PublicKeyCredential.toJSON()` sign-in output.
    public func verifyAuthentication(
        _ response: AuthenticationCredentialJSON,
        expectedChallenge: [UInt8],
        credential: StoredCredential,
        requireUserVerification: Bool = true
    ) throws(WebAuthnError) -> VerifiedAuthentication {
        guard response.type == "public-key" else { throw .malformed("credential type is not public-key") }
        return try verifyAuthentication(
            clientDataJSON: response.response.clientDataJSON.bytes,
            authenticatorData: response.response.authenticatorData.bytes,
            signature: response.response.signature.bytes,
            expectedChallenge: expectedChallenge,
            credential: credential,
            requireUserVerification: requireUserVerification
        )
    }
}
