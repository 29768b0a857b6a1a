/// The CBOR attestation object returned by `navigator.credentials.create()`
/// (WebAuthn §6.5): `{ "fmt": text, "attStmt": map, "authData": bytes }`.
public struct AttestationObject: Sendable {
    /// The attestation statement format identifier, e.g. `"none"`.
    public let format: String
    public let statement: CBORMap
    /// The raw authenticator data; signatures cover these exact bytes.
    public let authenticatorDataBytes: [UInt8]
    public let authenticatorData: AuthenticatorData

    public init(bytes: some Collection<UInt8>) throws(WebAuthnError) {
        let value: CBORValue
        do {
            value = try CBORDecoder().decode(bytes)
        } catch {
            throw .invalidCBOR(error)
        }
        guard let map = value.map else { throw .malformed("attestation object is not a CBOR map") }
        guard let format = map["fmt"]?.string else { throw .malformed("attestation object has no text fmt") }
        guard let statement = map["attStmt"]?.map else { throw .malformed("attestation object has no attStmt map") }
        guard let authenticatorDataBytes = map["authData"]?.bytes else {
            throw .malformed("attestation object has no authData byte string")
        }
        self.format = format
        self.statement = statement
        self.authenticatorDataBytes = authenticatorDataBytes
        self.authenticatorData = try AuthenticatorData(bytes: authenticatorDataBytes)
    }
}
