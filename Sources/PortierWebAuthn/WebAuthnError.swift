/// Every reason Portier refuses a passkey registration or sign-in.
///
/// One enum, so the app can map each case to a log line and a message for
/// the customer; the associated values say exactly what was wrong.
public enum WebAuthnError: Error, Sendable, Hashable {
    /// The input does not have the structure WebAuthn prescribes; the text
    /// says which part and why.
    case malformed(String)
    /// A CBOR structure (attestation object, COSE key, extensions) failed
    /// to decode.
    case invalidCBOR(CBORDecodingError)
    /// `clientDataJSON.type` was not `webauthn.create` / `webauthn.get`.
    case wrongType
    /// `clientDataJSON.challenge` was not the challenge this server issued.
    case challengeMismatch
    /// `clientDataJSON.origin` was not Portier's origin.
    case originMismatch
    /// The page that ran the ceremony was framed by another origin.
    case crossOriginNotAllowed
    /// `rpIdHash` in the authenticator data was not SHA-256 of the RP ID.
    case rpIDMismatch
    /// The UP flag was clear: nobody touched the authenticator.
    case userNotPresent
    /// The UV flag was clear although user verification is required.
    case userNotVerified
    /// The credential uses a COSE algorithm (or curve) Portier does not accept.
    case unsupportedAlgorithm(Int)
    /// The COSE key is well-formed but not a usable public key.
    case invalidPublicKey(String)
    /// The assertion or self-attestation signature does not verify.
    case badSignature
    /// The signature counter did not increase: the authenticator may have
    /// been cloned (WebAuthn §7.2 step 21). Refuse and tell the customer.
    case counterWentBackwards(stored: UInt32, received: UInt32)
    /// The attestation statement format is not one Portier verifies.
    case unsupportedAttestationFormat(String)
}
