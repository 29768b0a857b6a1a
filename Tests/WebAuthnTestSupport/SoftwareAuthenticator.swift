import Crypto
import Foundation
import PortierWebAuthn

/// A passkey authenticator in software for tests: a real P-256 (ES256) or Ed25519 (EdDSA) key
/// pair that answers the options a relying party sends with the JSON a browser posts
/// (`PublicKeyCredential.toJSON()`), built byte for byte as WebAuthn Level 2 §6.1 / §6.5 say.
/// Every part a test may want wrong (origin, RP ID, type, challenge, flags, signature,
/// counter) can be overridden per call.
public final class SoftwareAuthenticator: @unchecked Sendable {
    public enum Algorithm: Sendable {
        case es256
        case edDSA
    }

    /// What to get wrong in one response.
    public struct Tampering: Sendable {
        public var origin: String?
        public var rpID: String?
        public var type: String?
        public var challenge: [UInt8]?
        public var userPresent = true
        public var userVerified = true
        public var corruptSignature = false
        /// The counter to report instead of the next one.
        public var signCount: UInt32?
        public var credentialID: [UInt8]?
        public var userHandle: [UInt8]?

        public init() {}
    }

    public let credentialID: [UInt8]
    public let algorithm: Algorithm
    /// The counter of the last signature; the next response reports one more.
    public private(set) var signCount: UInt32
    /// The user handle the relying party gave at registration.
    public private(set) var userHandle: [UInt8]?

    private let p256Key: P256.Signing.PrivateKey?
    private let ed25519Key: Curve25519.Signing.PrivateKey?

    public init(algorithm: Algorithm = .es256, credentialID: [UInt8]? = nil, signCount: UInt32 = 0) {
        self.algorithm = algorithm
        self.credentialID = credentialID ?? (0..<16).map { _ in UInt8.random(in: .min ... .max) }
        self.signCount = signCount
        switch algorithm {
        case .es256:
            p256Key = P256.Signing.PrivateKey()
            ed25519Key = nil
        case .edDSA:
            p256Key = nil
            ed25519Key = Curve25519.Signing.PrivateKey()
        }
    }

    /// The COSE_Key of the public key (RFC 9053 §7.1 EC2 / §7.2 OKP).
    public var coseKey: [UInt8] {
        switch algorithm {
        case .es256:
            let raw = Array(p256Key!.publicKey.rawRepresentation)
            return CBOREncoding.encode(CBOREncoding.map([
                (1, CBOREncoding.int(2)), (3, CBOREncoding.int(-7)), (-1, CBOREncoding.int(1)),
                (-2, .byteString(Array(raw[0..<32]))), (-3, .byteString(Array(raw[32..<64]))),
            ]))
        case .edDSA:
            return CBOREncoding.encode(CBOREncoding.map([
                (1, CBOREncoding.int(1)), (3, CBOREncoding.int(-8)), (-1, CBOREncoding.int(6)),
                (-2, .byteString(Array(ed25519Key!.publicKey.rawRepresentation))),
            ]))
        }
    }

    // MARK: Registration

    /// The answer to creation options (`{"challenge": …, "rp": {"id": …}, "user": {"id": …}}`
    /// as JSON), with attestation `none`.
    public func register(options: [String: Any], origin: String, tampering: Tampering = Tampering()) -> [String: Any] {
        let challenge = tampering.challenge ?? Base64URL.decode(options["challenge"] as? String ?? "") ?? []
        let rpID = tampering.rpID ?? ((options["rp"] as? [String: Any])?["id"] as? String ?? "")
        if let user = options["user"] as? [String: Any], let id = user["id"] as? String {
            userHandle = Base64URL.decode(id)
        }
        let clientDataJSON = clientData(type: tampering.type ?? "webauthn.create", challenge: challenge, origin: tampering.origin ?? origin)
        let id = tampering.credentialID ?? credentialID
        let attestedCredential = [UInt8](repeating: 0, count: 16)
            + [UInt8(id.count >> 8), UInt8(id.count & 0xff)] + id + coseKey
        let count = tampering.signCount ?? signCount
        let authenticatorData = Self.authenticatorData(
            rpID: rpID, flags: flags(tampering) | 0x40, signCount: count
        ) + attestedCredential
        let attestationObject = CBOREncoding.encode(CBOREncoding.map([
            ("fmt", .textString("none")), ("attStmt", CBOREncoding.map([(String, CBORValue)]())), ("authData", .byteString(authenticatorData)),
        ]))
        return [
            "id": Base64URL.encode(id),
            "rawId": Base64URL.encode(id),
            "type": "public-key",
            "response": [
                "clientDataJSON": Base64URL.encode(clientDataJSON),
                "attestationObject": Base64URL.encode(attestationObject),
                "transports": ["internal"],
            ],
        ]
    }

    // MARK: Sign-in

    /// The answer to request options (`{"challenge": …, "rpId": …}` as JSON); the counter
    /// advances by one unless `tampering.signCount` says otherwise.
    public func assert(options: [String: Any], origin: String, tampering: Tampering = Tampering()) -> [String: Any] {
        let challenge = tampering.challenge ?? Base64URL.decode(options["challenge"] as? String ?? "") ?? []
        let rpID = tampering.rpID ?? (options["rpId"] as? String ?? "")
        let clientDataJSON = clientData(type: tampering.type ?? "webauthn.get", challenge: challenge, origin: tampering.origin ?? origin)
        let count: UInt32
        if let forced = tampering.signCount {
            count = forced
        } else {
            signCount += 1
            count = signCount
        }
        let authenticatorData = Self.authenticatorData(rpID: rpID, flags: flags(tampering), signCount: count)
        var signature = sign(authenticatorData + Array(SHA256.hash(data: clientDataJSON)))
        if tampering.corruptSignature {
            signature[signature.count - 1] ^= 0x01
        }
        let id = tampering.credentialID ?? credentialID
        var response: [String: Any] = [
            "clientDataJSON": Base64URL.encode(clientDataJSON),
            "authenticatorData": Base64URL.encode(authenticatorData),
            "signature": Base64URL.encode(signature),
        ]
        if let handle = tampering.userHandle ?? userHandle {
            response["userHandle"] = Base64URL.encode(handle)
        }
        return ["id": Base64URL.encode(id), "rawId": Base64URL.encode(id), "type": "public-key", "response": response]
    }

    // MARK: Bytes

    private func flags(_ tampering: Tampering) -> UInt8 {
        (tampering.userPresent ? 0x01 : 0) | (tampering.userVerified ? 0x04 : 0)
    }

    private func clientData(type: String, challenge: [UInt8], origin: String) -> [UInt8] {
        let object: [String: Any] = [
            "type": type, "challenge": Base64URL.encode(challenge), "origin": origin, "crossOrigin": false,
        ]
        return Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    private func sign(_ message: [UInt8]) -> [UInt8] {
        switch algorithm {
        case .es256: Array(try! p256Key!.signature(for: message).derRepresentation)
        case .edDSA: Array(try! ed25519Key!.signature(for: message))
        }
    }

    /// `rpIdHash ‖ flags ‖ signCount` (WebAuthn §6.1).
    public static func authenticatorData(rpID: String, flags: UInt8, signCount: UInt32) -> [UInt8] {
        Array(SHA256.hash(data: Array(rpID.utf8))) + [flags]
            + [UInt8(signCount >> 24), UInt8((signCount >> 16) & 0xff), UInt8((signCount >> 8) & 0xff), UInt8(signCount & 0xff)]
    }
}
