/// The JSON a browser posts after `navigator.credentials.create()`, as
/// produced by `PublicKeyCredential.toJSON()` (WebAuthn L3
/// `RegistrationResponseJSON`); binary members are unpadded base64url.
public struct RegistrationCredentialJSON: Sendable, Codable {
    public var id: String
    public var rawId: Base64URLBytes
    public var type: String
    public var response: Response

    public struct Response: Sendable, Codable {
        public var clientDataJSON: Base64URLBytes
        public var attestationObject: Base64URLBytes
        /// Hints such as `"internal"` or `"hybrid"`, worth storing for
        /// `excludeCredentials` / `allowCredentials`.
        public var transports: [String]?
    }
}

/// The JSON a browser posts after `navigator.credentials.get()`
/// (`AuthenticationResponseJSON`).
public struct AuthenticationCredentialJSON: Sendable, Codable {
    public var id: String
    /// The credential ID the app looks up the stored key by.
    public var rawId: Base64URLBytes
    public var type: String
    public var response: Response

    public struct Response: Sendable, Codable {
        public var clientDataJSON: Base64URLBytes
        public var authenticatorData: Base64URLBytes
        public var signature: Base64URLBytes
        /// The user ID given at registration; present for discoverable credentials.
        public var userHandle: Base64URLBytes?
    }
}
