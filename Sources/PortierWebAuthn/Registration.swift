/// A passkey that passed registration, with everything the app must store.
public struct RegisteredCredential: Sendable {
    /// The credential ID; the app must make sure no other customer has it.
    public let id: [UInt8]
    /// The COSE_Key bytes to store and pass back in `StoredCredential`.
    public let publicKey: [UInt8]
    public let algorithm: COSEAlgorithm
    /// The initial signature counter (often 0 for synced passkeys).
    public let signCount: UInt32
    /// BE: a multi-device credential that may be synced.
    public let isBackupEligible: Bool
    /// BS: the credential is currently backed up.
    public let isBackedUp: Bool
    public let userVerified: Bool
    /// The authenticator model; all zeros unless the authenticator chose to say.
    public let aaguid: [UInt8]
    /// The attestation statement format that was verified.
    public let attestationFormat: String
}

extension RelyingParty {
    /// Verifies the response to `navigator.credentials.create()` following
    /// WebAuthn Level 2 §7.1.
    ///
    /// Only the `none` format and `packed` self-attestation are accepted:
    /// Portier asks for `attestation: "none"` and has no use for vendor
    /// certificate chains, so anything else is refused with its format name.
    ///
    /// - Parameters:
    ///   - expectedChallenge: The single-use challenge issued for this
    ///     ceremony; the app must have consumed it already.
    public func verifyRegistration(
        clientDataJSON: some Collection<UInt8>,
        attestationObject: some Collection<UInt8>,
        expectedChallenge: [UInt8],
        requireUserVerification: Bool = true
    ) throws(WebAuthnError) -> RegisteredCredential {
        let clientDataHash = try verifyClientData(
            Array(clientDataJSON), type: .registration, expectedChallenge: expectedChallenge
        )
        let attestation = try AttestationObject(bytes: attestationObject)
        let authenticatorData = attestation.authenticatorData
        try verifyAuthenticatorData(authenticatorData, requireUserVerification: requireUserVerification)
        guard let credential = authenticatorData.attestedCredentialData else {
            throw .malformed("registration authenticator data has no attested credential data")
        }
        try verifyAttestationStatement(
            attestation, credentialKey: credential.publicKey, clientDataHash: clientDataHash
        )
        return RegisteredCredential(
            id: credential.credentialID,
            publicKey: credential.publicKeyBytes,
            algorithm: credential.publicKey.algorithm,
            signCount: authenticatorData.signCount,
            isBackupEligible: authenticatorData.flags.contains(.backupEligible),
            isBackedUp: authenticatorData.flags.contains(.backupState),
            userVerified: authenticatorData.flags.contains(.userVerified),
            aaguid: credential.aaguid,
            attestationFormat: attestation.format
        )
    }

    /// Verifies a browser's `PublicKeyCredential.toJSON()` registration
    /// output, additionally checking that `rawId` names the new credential.
    public func verifyRegistration(
        _ credential: RegistrationCredentialJSON,
        expectedChallenge: [UInt8],
        requireUserVerification: Bool = true
    ) throws(WebAuthnError) -> RegisteredCredential {
        guard credential.type == "public-key" else { throw .malformed("credential type is not public-key") }
        let registered = try verifyRegistration(
            clientDataJSON: credential.response.clientDataJSON.bytes,
            attestationObject: credential.response.attestationObject.bytes,
            expectedChallenge: expectedChallenge,
            requireUserVerification: requireUserVerification
        )
        guard registered.id == credential.rawId.bytes else {
            throw .malformed("rawId does not match the credential ID in the authenticator data")
        }
        return registered
    }

    /// WebAuthn §8.2 (`packed`, self attestation only) and §8.7 (`none`).
    private func verifyAttestationStatement(
        _ attestation: AttestationObject, credentialKey: COSEKey, clientDataHash: [UInt8]
    ) throws(WebAuthnError) {
        let statement = attestation.statement
        switch attestation.format {
        case "none":
            guard statement.count == 0 else { throw .malformed("none attestation statement is not empty") }
        case "packed":
            guard statement["x5c"] == nil, statement["ecdaaKeyId"] == nil else {
                throw .unsupportedAttestationFormat("packed with an attestation certificate")
            }
            guard let algorithm = statement["alg"]?.intValue, let signature = statement["sig"]?.bytes else {
                throw .malformed("packed attestation statement needs integer alg and byte string sig")
            }
            guard algorithm == credentialKey.algorithm.rawValue else {
                throw .malformed("packed self attestation alg \(algorithm) differs from the credential key's")
            }
            let signedData = attestation.authenticatorDataBytes + clientDataHash
            guard credentialKey.isValidSignature(signature, for: signedData) else { throw .badSignature }
        default:
            throw .unsupportedAttestationFormat(attestation.format)
        }
    }
}
