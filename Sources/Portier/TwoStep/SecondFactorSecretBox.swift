import Crypto
import Foundation

/// Encrypts TOTP secrets at rest with AES-256-GCM under a key derived from `PORTIER_SECRET_KEY`
/// (HKDF, purpose `second-factor-secret`), with the subject as associated data: a stolen database
/// holds no usable secret, and a sealed secret moved to another account does not open.
/// Stored as `v1.<base64 of nonce ‖ ciphertext ‖ tag>`. Secrets sealed under a retired key
/// (`PORTIER_SECRET_KEY_PREVIOUS`) still open, and `opened` says they should be sealed again.
public struct SecondFactorSecretBox: Sendable {
    /// A secret as opened, and whether it was sealed under a retired key.
    public struct Opened: Sendable {
        public let secret: [UInt8]
        public let isSealedUnderRetiredKey: Bool
    }

    /// The current key first.
    private let keys: [SymmetricKey]

    public init(secret: ServerSecret) {
        keys = secret.keys(for: "second-factor-secret")
    }

    public func seal(_ plaintext: [UInt8], for subject: SecondFactorSubject) throws -> String {
        let box = try AES.GCM.seal(plaintext, using: keys[0], authenticating: Array(subject.binding.utf8))
        guard let combined = box.combined else { throw TwoStepError.secretUnreadable }
        return "v1." + combined.base64EncodedString()
    }

    public func open(_ sealed: String, for subject: SecondFactorSubject) throws -> [UInt8] {
        try opened(sealed, for: subject).secret
    }

    /// - Throws: ``TwoStepError/secretUnreadable`` when no key, current or retired, opens it.
    public func opened(_ sealed: String, for subject: SecondFactorSubject) throws -> Opened {
        guard sealed.hasPrefix("v1."), let data = Data(base64Encoded: String(sealed.dropFirst(3))),
              let box = try? AES.GCM.SealedBox(combined: data) else {
            throw TwoStepError.secretUnreadable
        }
        for (index, key) in keys.enumerated() {
            if let plaintext = try? AES.GCM.open(box, using: key, authenticating: Array(subject.binding.utf8)) {
                return Opened(secret: Array(plaintext), isSealedUnderRetiredKey: index > 0)
            }
        }
        throw TwoStepError.secretUnreadable
    }
}
