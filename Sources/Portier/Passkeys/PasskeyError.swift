import PortierWebAuthn

/// Why a passkey could not be added, renamed, removed or used. Each case has the catalog key of
/// the message the customer sees and a short reason for the audit log (never a secret).
enum PasskeyError: Error, Equatable {
    case nameMissing
    case nameTooLong
    case nameInvalid
    case tooManyKeys
    /// Adding a key more than ten minutes after logging in needs the password again.
    case freshLoginRequired
    /// The request's JSON is not what the page sends.
    case malformedRequest
    /// The challenge is unknown, used already, expired, or was issued for another ceremony or account.
    case challengeInvalid
    /// Another account (or this one) has a key with this credential ID.
    case alreadyRegistered
    /// No key with this credential ID (or it was removed).
    case unknownCredential
    /// The key was marked possibly cloned earlier and signs nobody in any more.
    case possiblyCloned
    /// The counter did not advance: the key is marked possibly cloned now.
    case counterWentBackwards
    /// The response failed a WebAuthn check (origin, rp id, flags, signature, …).
    case verificationFailed(WebAuthnError)
    /// No key of this account with that id.
    case notFound

    var catalogKey: String {
        switch self {
        case .nameMissing: "passkeys.error.name_missing"
        case .nameTooLong: "passkeys.error.name_too_long"
        case .nameInvalid: "passkeys.error.name_invalid"
        case .tooManyKeys: "passkeys.error.too_many"
        case .freshLoginRequired: "passkeys.error.password_needed"
        case .malformedRequest: "passkeys.error.malformed"
        case .challengeInvalid: "passkeys.error.challenge"
        case .alreadyRegistered: "passkeys.error.already_registered"
        case .unknownCredential: "passkeys.error.unknown_key"
        case .possiblyCloned, .counterWentBackwards: "passkeys.error.possibly_cloned"
        case .verificationFailed(let error):
            switch error {
            case .userNotVerified: "passkeys.error.user_not_verified"
            case .userNotPresent: "passkeys.error.user_not_present"
            case .unsupportedAlgorithm: "passkeys.error.unsupported_algorithm"
            default: "passkeys.error.verification_failed"
            }
        case .notFound: "error.404"
        }
    }

    /// For the audit event's details and the log.
    var reason: String {
        switch self {
        case .nameMissing: "name missing"
        case .nameTooLong: "name too long"
        case .nameInvalid: "name invalid"
        case .tooManyKeys: "too many keys"
        case .freshLoginRequired: "fresh login required"
        case .malformedRequest: "malformed request"
        case .challengeInvalid: "challenge unknown, used or expired"
        case .alreadyRegistered: "credential id already registered"
        case .unknownCredential: "unknown credential"
        case .possiblyCloned: "key marked possibly cloned"
        case .counterWentBackwards: "signature counter did not advance"
        case .verificationFailed(let error):
            switch error {
            case .malformed: "malformed"
            case .invalidCBOR: "invalid CBOR"
            case .wrongType: "wrong clientData type"
            case .challengeMismatch: "challenge mismatch"
            case .originMismatch: "origin mismatch"
            case .crossOriginNotAllowed: "cross-origin"
            case .rpIDMismatch: "rp id mismatch"
            case .userNotPresent: "user not present"
            case .userNotVerified: "user not verified"
            case .unsupportedAlgorithm(let algorithm): "unsupported algorithm \(algorithm)"
            case .invalidPublicKey: "invalid public key"
            case .badSignature: "bad signature"
            case .counterWentBackwards(let stored, let received): "counter \(received) after \(stored)"
            case .unsupportedAttestationFormat(let format): "attestation format \(String(format.prefix(32)))"
            }
        case .notFound: "not found"
        }
    }
}
