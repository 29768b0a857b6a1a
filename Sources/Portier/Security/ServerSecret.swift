import Crypto
import Vapor
import Foundation

/// `PORTIER_SECRET_KEY`: at least 32 random bytes that sign device cookies, hash backup codes and
/// encrypt second-factor secrets. Never printed: `description` hides it, so a logged configuration
/// cannot leak it. Keys retired by a rotation (`PORTIER_SECRET_KEY_PREVIOUS`) still open and verify
/// what they made; everything new is made with the current key.
public struct ServerSecret: Sendable, Equatable, CustomStringConvertible {
    public static let minimumByteCount = 32
    /// Where development keeps the secret it generated on first start.
    public static let developmentFile = "var/secret.key"

    public let bytes: [UInt8]
    /// Earlier secrets, newest first: read and verified, never used to make anything new.
    public private(set) var retired: [ServerSecret] = []

    /// From the base64 text of the variable (or the development file); nil when too short or not base64.
    public init?(base64: String) {
        guard let data = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)),
              data.count >= Self.minimumByteCount else { return nil }
        bytes = Array(data)
    }

    public init(bytes: [UInt8]) {
        precondition(bytes.count >= Self.minimumByteCount, "a server secret has at least 32 bytes")
        self.bytes = bytes
    }

    /// A new secret from the system's CSPRNG.
    public static func generate() -> ServerSecret {
        ServerSecret(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    public var base64: String { Data(bytes).base64EncodedString() }

    /// A key for one purpose, derived with HKDF so device cookies and encryption never share a key.
    public func key(for purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: bytes),
            info: Data(("portier:" + purpose).utf8),
            outputByteCount: 32
        )
    }

    /// Every key for `purpose`, the current one first, then the retired ones: for opening and
    /// verifying what an earlier key made.
    public func keys(for purpose: String) -> [SymmetricKey] {
        [key(for: purpose)] + retired.map { $0.key(for: purpose) }
    }

    /// This secret with `retired` keys that still open and verify what they made.
    public func retiring(_ retired: [ServerSecret]) -> ServerSecret {
        var secret = self
        secret.retired = retired.filter { $0.bytes != bytes }.map { ServerSecret(bytes: $0.bytes) }
        return secret
    }

    public var description: String { "ServerSecret(hidden)" }

    /// The development secret: read from `file`, or generated and written there (mode 0600).
    public static func loadOrCreateDevelopmentSecret(at file: String) throws -> ServerSecret {
        if let text = try? String(contentsOfFile: file, encoding: .utf8) {
            guard let secret = ServerSecret(base64: text) else {
                throw ConfigurationError(variable: "PORTIER_SECRET_KEY", reason: "is unset and \(file) does not hold a valid key; delete the file to generate a new one")
            }
            return secret
        }
        let secret = ServerSecret.generate()
        let directory = (file as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        guard FileManager.default.createFile(atPath: file, contents: Data((secret.base64 + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError(variable: "PORTIER_SECRET_KEY", reason: "is unset and \(file) could not be written")
        }
        return secret
    }
}

extension Application {
    private struct ServerSecretKey: StorageKey { typealias Value = ServerSecret }

    /// Set by `configure`; reading it before is a programming error.
    public var serverSecret: ServerSecret {
        get {
            guard let secret = storage[ServerSecretKey.self] else { fatalError("configure(_:) has not set the server secret") }
            return secret
        }
        set { storage[ServerSecretKey.self] = newValue }
    }
}
