/// `PublicKeyCredentialCreationOptionsJSON`: what the page passes to
/// `PublicKeyCredential.parseCreationOptionsFromJSON()` before calling
/// `navigator.credentials.create()`.
///
/// The defaults encode Portier's policy: discoverable passkeys with user
/// verification, no attestation, and ES256 / EdDSA / RS256 in that order.
public struct PublicKeyCredentialCreationOptions: Sendable, Codable, Hashable {
    public var challenge: Base64URLBytes
    public var rp: RelyingPartyEntity
    public var user: UserEntity
    public var pubKeyCredParams: [CredentialParameters]
    /// Milliseconds the browser may wait for the customer.
    public var timeout: Int
    /// The customer's existing credentials, so an authenticator is not
    /// registered twice.
    public var excludeCredentials: [CredentialDescriptor]
    public var authenticatorSelection: AuthenticatorSelection
    public var attestation: String

    public init(
        challenge: [UInt8],
        relyingParty: RelyingParty,
        user: UserEntity,
        excludeCredentials: [CredentialDescriptor] = [],
        timeout: Int = 300_000
    ) {
        self.challenge = Base64URLBytes(challenge)
        self.rp = RelyingPartyEntity(id: relyingParty.id, name: relyingParty.name)
        self.user = user
        self.pubKeyCredParams = COSEAlgorithm.allCases.map(CredentialParameters.init)
        self.timeout = timeout
        self.excludeCredentials = excludeCredentials
        self.authenticatorSelection = AuthenticatorSelection()
        self.attestation = "none"
    }
}

/// `PublicKeyCredentialRequestOptionsJSON` for `navigator.credentials.get()`.
public struct PublicKeyCredentialRequestOptions: Sendable, Codable, Hashable {
    public var challenge: Base64URLBytes
    public var rpId: String
    /// Empty for a username-less passkey sign-in.
    public var allowCredentials: [CredentialDescriptor]
    public var userVerification: String
    public var timeout: Int

    public init(
        challenge: [UInt8],
        relyingParty: RelyingParty,
        allowCredentials: [CredentialDescriptor] = [],
        timeout: Int = 300_000
    ) {
        self.challenge = Base64URLBytes(challenge)
        self.rpId = relyingParty.id
        self.allowCredentials = allowCredentials
        self.userVerification = "required"
        self.timeout = timeout
    }
}

/// `PublicKeyCredentialRpEntity`.
public struct RelyingPartyEntity: Sendable, Codable, Hashable {
    public var id: String
    public var name: String
}

/// `PublicKeyCredentialUserEntityJSON`.
public struct UserEntity: Sendable, Codable, Hashable {
    /// An opaque handle of at most 64 bytes, with no personal data in it.
    public var id: Base64URLBytes
    /// Shown to the customer to tell accounts apart, e.g. the e-mail address.
    public var name: String
    public var displayName: String

    public init(id: [UInt8], name: String, displayName: String) {
        precondition(!id.isEmpty && id.count <= 64, "WebAuthn user handles are 1 to 64 bytes")
        self.id = Base64URLBytes(id)
        self.name = name
        self.displayName = displayName
    }
}

/// `PublicKeyCredentialParameters`.
public struct CredentialParameters: Sendable, Codable, Hashable {
    public var type: String
    public var alg: Int

    public init(algorithm: COSEAlgorithm) {
        self.type = "public-key"
        self.alg = algorithm.rawValue
    }
}

/// `PublicKeyCredentialDescriptorJSON`.
public struct CredentialDescriptor: Sendable, Codable, Hashable {
    public var type: String
    public var id: Base64URLBytes
    public var transports: [String]?

    public init(id: [UInt8], transports: [String]? = nil) {
        self.type = "public-key"
        self.id = Base64URLBytes(id)
        self.transports = transports
    }
}

/// `AuthenticatorSelectionCriteria`: resident (discoverable) keys and user
/// verification are both required, so a passkey alone signs the customer in.
public struct AuthenticatorSelection: Sendable, Codable, Hashable {
    public var residentKey: String
    /// The Level 1 spelling of `residentKey`, for older browsers.
    public var requireResidentKey: Bool
    public var userVerification: String

    public init() {
        self.residentKey = "required"
        self.requireResidentKey = true
        self.userVerification = "required"
    }
}
