import Crypto
import PortierWebAuthn
import WebAuthnTestSupport
import Testing

@Suite("Authenticator data parsing")
struct AuthenticatorDataTests {
    static let rpIDHash = Array(SHA256.hash(data: Array("portier.example".utf8)))
    static let publicKey = ReferenceVectors.es256Registration.publicKey.base64URLBytes

    static func header(_ flags: AuthenticatorFlags, signCount: UInt32 = 0x0102_0304) -> [UInt8] {
        rpIDHash + [flags.rawValue] + [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: signCount >> $0) }
    }

    static func attested(credentialID: [UInt8] = [1, 2, 3, 4], key: [UInt8] = publicKey) -> [UInt8] {
        Array(repeating: 0xaa, count: 16) + [UInt8(credentialID.count >> 8), UInt8(credentialID.count & 0xff)]
            + credentialID + key
    }

    @Test("The fixed part: rpIdHash, flags and a big-endian counter")
    func fixedPart() throws {
        let data = try AuthenticatorData(bytes: Self.header([.userPresent, .userVerified]))
        #expect(data.rpIDHash == Self.rpIDHash)
        #expect(data.flags == [.userPresent, .userVerified])
        #expect(data.signCount == 0x0102_0304)
        #expect(data.attestedCredentialData == nil)
        #expect(data.extensions == nil)
    }

    @Test("All flags are read from their bits")
    func flags() throws {
        let data = try AuthenticatorData(bytes: Self.header(AuthenticatorFlags(rawValue: 0x1d)))
        #expect(data.flags.contains(.userPresent))
        #expect(data.flags.contains(.userVerified))
        #expect(data.flags.contains(.backupEligible))
        #expect(data.flags.contains(.backupState))
        #expect(!data.flags.contains(.attestedCredentialData))
        #expect(!data.flags.contains(.extensionData))
    }

    @Test("Attested credential data yields AAGUID, ID and the exact key bytes")
    func attestedCredential() throws {
        let data = try AuthenticatorData(bytes: Self.header([.userPresent, .attestedCredentialData]) + Self.attested())
        let credential = try #require(data.attestedCredentialData)
        #expect(credential.aaguid == Array(repeating: 0xaa, count: 16))
        #expect(credential.credentialID == [1, 2, 3, 4])
        #expect(credential.publicKeyBytes == Self.publicKey)
        #expect(credential.publicKey.algorithm == .es256)
    }

    @Test("Extensions after the credential key are skipped as one CBOR item")
    func extensionsAfterKey() throws {
        let extensions = CBOREncoding.encode(CBOREncoding.map([("credProtect", CBOREncoding.int(2))]))
        let bytes = Self.header([.userPresent, .attestedCredentialData, .extensionData]) + Self.attested() + extensions
        let data = try AuthenticatorData(bytes: bytes)
        #expect(data.attestedCredentialData?.publicKeyBytes == Self.publicKey)
        #expect(data.extensions?["credProtect"] == .unsignedInteger(2))
    }

    @Test("Extensions without attested credential data (an assertion)")
    func extensionsOnly() throws {
        let extensions = CBOREncoding.encode(CBOREncoding.map([("hmac-secret", CBORValue.boolean(true))]))
        let data = try AuthenticatorData(bytes: Self.header([.userPresent, .extensionData]) + extensions)
        #expect(data.extensions?.count == 1)
    }

    @Test("Malformed authenticator data is refused", arguments: [
        // Too short.
        Array(header([.userPresent]).dropLast()),
        // Trailing byte without ED.
        header([.userPresent]) + [0],
        // ED set, nothing follows.
        header([.userPresent, .extensionData]),
        // ED set, extensions not a map.
        header([.userPresent, .extensionData]) + [0x01],
        // Backup state without backup eligibility.
        header([.userPresent, .backupState]),
        // AT set, attested data truncated.
        header([.userPresent, .attestedCredentialData]) + Array(repeating: 0, count: 17),
        // Credential ID length beyond the data.
        header([.userPresent, .attestedCredentialData]) + Array(repeating: 0, count: 16) + [0x00, 0x50, 1, 2],
        // Credential ID longer than 1023 bytes.
        header([.userPresent, .attestedCredentialData]) + attested(credentialID: Array(repeating: 7, count: 1024)),
        // Empty credential ID.
        header([.userPresent, .attestedCredentialData]) + attested(credentialID: []),
        // Key is not a map.
        header([.userPresent, .attestedCredentialData]) + attested(key: [0x80]),
        // Trailing bytes after the key.
        header([.userPresent, .attestedCredentialData]) + attested() + [0xa0],
    ])
    func malformed(bytes: [UInt8]) {
        #expect(isMalformed(webAuthnError { _ = try AuthenticatorData(bytes: bytes) }))
    }

    @Test("A truncated credential key is an invalid CBOR error")
    func truncatedKey() {
        let bytes = Self.header([.userPresent, .attestedCredentialData]) + Self.attested().dropLast(3)
        #expect(throws: WebAuthnError.invalidCBOR(.lengthExceedsInput(declared: 32, remaining: 29))) {
            try AuthenticatorData(bytes: bytes)
        }
    }
}
