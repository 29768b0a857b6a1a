import Foundation

/// Portier as a WebAuthn relying party: the origin browsers must report and
/// the RP ID credentials are scoped to.
///
/// Both come from `PORTIER_BASE_URL` so that a passkey registered on one
/// deployment can never be replayed against another.
public struct RelyingParty: Sendable, Hashable {
    /// The RP ID: the host of the base URL, e.g. `portier.example`.
    public let id: String
    /// The name browsers show while creating a passkey.
    public let name: String
    /// The serialized origin, e.g. `https://portier.example` (no path, no
    /// trailing slash, default port omitted).
    public let origin: String

    public init(id: String, name: String, origin: String) {
        self.id = id
        self.name = name
        self.origin = origin
    }

    /// Derives origin and RP ID from the deployment's base URL; returns
    /// `nil` if the URL has no scheme or host.
    public init?(baseURL: String, name: String) {
        guard let components = URLComponents(string: baseURL),
              let scheme = components.scheme?.lowercased(),
              let host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        let defaultPort = ["https": 443, "http": 80][scheme]
        var origin = "\(scheme)://\(host)"
        if let port = components.port, port != defaultPort {
            origin += ":\(port)"
        }
        self.init(id: host, name: name, origin: origin)
    }
}
