import PortierWebAuthn
import Testing

/// Fixed vectors produced by `tests/reference/webauthn_vectors.py` and
/// accepted by py_webauthn; the values live in `ReferenceVectors.swift`.
enum ReferenceVectors {
    static var relyingParty: RelyingParty {
        RelyingParty(id: rpID, name: "Portier", origin: origin)
    }
}

/// A `navigator.credentials.create()` response and what it must yield.
struct RegistrationVector: Sendable, CustomTestStringConvertible {
    var name: String
    var challenge: String
    var clientDataJSON: String
    var attestationObject: String
    var credentialID: String
    var publicKey: String
    var algorithm: Int
    var signCount: UInt32
    var isBackupEligible: Bool
    var isBackedUp: Bool
    var format: String

    var testDescription: String { name }
}

/// A `navigator.credentials.get()` response and what it must yield.
struct AuthenticationVector: Sendable, CustomTestStringConvertible {
    var name: String
    var challenge: String
    var clientDataJSON: String
    var authenticatorData: String
    var signature: String
    var credentialID: String
    var publicKey: String
    var storedSignCount: UInt32
    var signCount: UInt32
    var isUserVerified: Bool

    var testDescription: String { name }
}

extension String {
    /// The bytes of a base64url vector field; vectors are trusted, so a
    /// decoding failure is a bug in the generator.
    var base64URLBytes: [UInt8] {
        guard let bytes = Base64URL.decode(self) else { fatalError("bad base64url in vector: \(self)") }
        return bytes
    }
}

extension [UInt8] {
    /// Bytes from a hex string such as `"a1 01 02"`; whitespace is ignored.
    init(hex: String) {
        let digits = hex.filter { !$0.isWhitespace }
        precondition(digits.count.isMultiple(of: 2), "odd number of hex digits")
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            bytes.append(UInt8(digits[index..<next], radix: 16)!)
            index = next
        }
        self = bytes
    }
}

/// Runs `body` and returns the `WebAuthnError` it threw, recording an issue
/// if it did not throw one.
func webAuthnError(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> WebAuthnError? {
    do {
        try body()
        Issue.record("expected a WebAuthnError, but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as WebAuthnError {
        return error
    } catch {
        Issue.record("expected a WebAuthnError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Whether `error` is `.malformed` with any reason.
func isMalformed(_ error: WebAuthnError?) -> Bool {
    if case .malformed = error { return true }
    return false
}
