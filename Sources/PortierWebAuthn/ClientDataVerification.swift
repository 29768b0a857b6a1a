import Crypto

extension RelyingParty {
    /// The ceremony a `clientDataJSON` must belong to (its `type` member).
    enum CeremonyType: String {
        case registration = "webauthn.create"
        case authentication = "webauthn.get"
    }

    /// Checks type, challenge, origin and framing of `clientDataJSON`
    /// (WebAuthn §7.1 steps 5–11, §7.2 steps 9–15) and returns its SHA-256,
    /// which the authenticator's signature covers.
    func verifyClientData(
        _ json: [UInt8], type: CeremonyType, expectedChallenge: [UInt8]
    ) throws(WebAuthnError) -> [UInt8] {
        let clientData = try CollectedClientData(json: json)
        guard clientData.type == type.rawValue else { throw .wrongType }
        guard let challenge = Base64URL.decode(clientData.challenge), challenge == expectedChallenge else {
            throw .challengeMismatch
        }
        guard clientData.origin == origin else { throw .originMismatch }
        // Portier never embeds its sign-in page in another site's frame.
        guard clientData.crossOrigin != true else { throw .crossOriginNotAllowed }
        return Array(SHA256.hash(data: json))
    }

    /// Checks the parts of authenticator data that every ceremony shares:
    /// the RP ID hash and the UP / UV flags.
    func verifyAuthenticatorData(
        _ data: AuthenticatorData, requireUserVerification: Bool
    ) throws(WebAuthnError) {
        guard data.rpIDHash == Array(SHA256.hash(data: Array(id.utf8))) else { throw .rpIDMismatch }
        guard data.flags.contains(.userPresent) else { throw .userNotPresent }
        if requireUserVerification && !data.flags.contains(.userVerified) {
            throw .userNotVerified
        }
    }
}
