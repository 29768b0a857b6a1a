/// The authenticator data structure (WebAuthn §6.1), parsed.
///
/// Layout: rpIdHash (32) ‖ flags (1) ‖ signCount (4, big-endian) ‖
/// [attested credential data] ‖ [extensions]. The two optional parts are
/// announced only by flags and carry no length of their own, so the COSE key
/// and the extensions map are delimited by decoding them.
public struct AuthenticatorData: Sendable {
    /// SHA-256 of the RP ID the authenticator thinks it is talking to.
    public let rpIDHash: [UInt8]
    public let flags: AuthenticatorFlags
    /// The signature counter; 0 for authenticators that do not keep one.
    public let signCount: UInt32
    /// Present when the AT flag is set (registration).
    public let attestedCredentialData: AttestedCredentialData?
    /// The extension outputs map, present when the ED flag is set. Portier
    /// requests no extensions, so it is only checked to be well-formed.
    public let extensions: CBORMap?

    private static let fixedLength = 37
    /// WebAuthn §6.5.1: credential IDs are at most 1023 bytes.
    private static let maximumCredentialIDLength = 1023

    public init(bytes: some Collection<UInt8>) throws(WebAuthnError) {
        let bytes = Array(bytes)
        guard bytes.count >= Self.fixedLength else {
            throw .malformed("authenticator data is \(bytes.count) bytes, shorter than 37")
        }
        rpIDHash = Array(bytes[0..<32])
        flags = AuthenticatorFlags(rawValue: bytes[32])
        signCount = bytes[33..<37].reduce(0) { $0 << 8 | UInt32($1) }

        if flags.contains(.backupState) && !flags.contains(.backupEligible) {
            throw .malformed("backup state flag set on a credential that is not backup eligible")
        }

        var position = Self.fixedLength
        if flags.contains(.attestedCredentialData) {
            let (data, length) = try Self.parseAttestedCredentialData(bytes[position...])
            attestedCredentialData = data
            position += length
        } else {
            attestedCredentialData = nil
        }

        if flags.contains(.extensionData) {
            guard position < bytes.count else {
                throw .malformed("extension data flag set but no extensions follow")
            }
            let decoded: (value: CBORValue, byteCount: Int)
            do {
                decoded = try CBORDecoder().decodePrefix(bytes[position...])
            } catch {
                throw .invalidCBOR(error)
            }
            guard let map = decoded.value.map else { throw .malformed("extensions are not a CBOR map") }
            extensions = map
            position += decoded.byteCount
        } else {
            extensions = nil
        }

        guard position == bytes.count else {
            throw .malformed("\(bytes.count - position) unexpected bytes at the end of authenticator data")
        }
    }

    /// Parses AAGUID (16) ‖ credentialIdLength (2) ‖ credentialId ‖ COSE key
    /// and returns how many bytes it used.
    private static func parseAttestedCredentialData(
        _ bytes: ArraySlice<UInt8>
    ) throws(WebAuthnError) -> (AttestedCredentialData, Int) {
        var position = bytes.startIndex
        guard bytes.count >= 18 else { throw .malformed("attested credential data is truncated") }
        let aaguid = Array(bytes[position..<position + 16])
        position += 16
        let idLength = Int(bytes[position]) << 8 | Int(bytes[position + 1])
        position += 2
        guard idLength <= maximumCredentialIDLength else {
            throw .malformed("credential ID is \(idLength) bytes, longer than 1023")
        }
        guard idLength > 0 else { throw .malformed("credential ID is empty") }
        guard bytes.endIndex - position >= idLength else {
            throw .malformed("credential ID length exceeds the authenticator data")
        }
        let credentialID = Array(bytes[position..<position + idLength])
        position += idLength

        let decoded: (value: CBORValue, byteCount: Int)
        do {
            decoded = try CBORDecoder().decodePrefix(bytes[position...])
        } catch {
            throw .invalidCBOR(error)
        }
        guard let map = decoded.value.map else { throw .malformed("credential public key is not a CBOR map") }
        let publicKeyBytes = Array(bytes[position..<position + decoded.byteCount])
        let publicKey = try COSEKey(map: map)
        position += decoded.byteCount

        let data = AttestedCredentialData(
            aaguid: aaguid,
            credentialID: credentialID,
            publicKeyBytes: publicKeyBytes,
            publicKey: publicKey
        )
        return (data, position - bytes.startIndex)
    }
}

/// The part of authenticator data that introduces a new credential.
public struct AttestedCredentialData: Sendable {
    /// The authenticator model's identifier; all zeros with `none` attestation.
    public let aaguid: [UInt8]
    public let credentialID: [UInt8]
    /// The COSE_Key exactly as the authenticator encoded it; this is what
    /// the app stores and hands back at sign-in.
    public let publicKeyBytes: [UInt8]
    public let publicKey: COSEKey
}
