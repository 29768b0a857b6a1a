import Foundation

/// The members of `clientDataJSON` (WebAuthn §5.8.1) that the server checks.
///
/// The browser, not the authenticator, writes this JSON; the authenticator
/// signs its hash, which is what ties the ceremony to Portier's origin and
/// to the challenge Portier issued.
public struct CollectedClientData: Sendable, Decodable {
    /// `"webauthn.create"` or `"webauthn.get"`.
    public let type: String
    /// The challenge as base64url, exactly as the browser received it.
    public let challenge: String
    /// The origin of the page that called the WebAuthn API.
    public let origin: String
    /// `true` when that page was inside a cross-origin iframe.
    public let crossOrigin: Bool?

    /// Parses the raw `clientDataJSON` bytes.
    public init(json: some Collection<UInt8>) throws(WebAuthnError) {
        do {
            self = try JSONDecoder().decode(CollectedClientData.self, from: Data(json))
        } catch {
            throw .malformed("clientDataJSON is not valid JSON with type, challenge and origin")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case type, challenge, origin, crossOrigin
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        challenge = try container.decode(String.self, forKey: .challenge)
        origin = try container.decode(String.self, forKey: .origin)
        crossOrigin = try container.decodeIfPresent(Bool.self, forKey: .crossOrigin)
    }
}
