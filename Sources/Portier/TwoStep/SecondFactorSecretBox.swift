import Crypto
import Foundation

/// Encrypts TOTP secrets at rest with AES-256-GCM under a key derived from `PORTIER_SECRET_KEY`
/// (HKDF, purpose `second-factor-secret`), with the subject as associated data: a stolen database
/// holds no usable secret, and a sealed secret moved to another account does not open.
/// Stored as `v1.<base64 of nonce ‖ ciphertext ‖ tag>`.
public struct SecondFactorSecretBox: Sendable {
    private let key: SymmetricKey

    public init(secret: ServerSecret) {
        key = secret.key(for: "second-factor-secret")
    }

    public func seal(_ plaintext: [UInt8], for subject: SecondFactorSubject) throws -> String {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Array(subject.binding.utf8))
        guard let combined = box.combined else { throw TwoStepError.secretUnreadable }
        return "v1." + combined.base64EncodedString()
    }

    public func open(_ sealed: String, for subject: SecondFactorSubject) throws -> [UInt8] {
        guard sealed.hasPrefix("v1."), let data = Data(base64Encoded: String(sealed.dropFirst(3))) else {
            throw TwoStepError.secretUnreadable
        }
        do {
            let box = try AES.GCM.SealedBox(combined: data)
            return Array(try AES.GCM.open(box, using: key, authenticating: Array(subject.binding.utf8)))
        } catch {
            throw TwoStepError.secretUnreadable
        }
    }
}
