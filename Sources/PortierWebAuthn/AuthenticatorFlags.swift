/// The flags byte of authenticator data (WebAuthn §6.1).
public struct AuthenticatorFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// UP: the user touched the authenticator.
    public static let userPresent = AuthenticatorFlags(rawValue: 1 << 0)
    /// UV: the authenticator verified the user (PIN, biometrics).
    public static let userVerified = AuthenticatorFlags(rawValue: 1 << 2)
    /// BE: the credential may be synced to other devices (a multi-device passkey).
    public static let backupEligible = AuthenticatorFlags(rawValue: 1 << 3)
    /// BS: the credential is currently backed up / synced.
    public static let backupState = AuthenticatorFlags(rawValue: 1 << 4)
    /// AT: attested credential data follows the sign count.
    public static let attestedCredentialData = AuthenticatorFlags(rawValue: 1 << 6)
    /// ED: an extensions map ends the authenticator data.
    public static let extensionData = AuthenticatorFlags(rawValue: 1 << 7)
}
