import PortierWebAuthn
import Vapor

extension Request {
    /// The passkey service for this deployment: origin and RP ID from `PORTIER_BASE_URL`.
    var passkeys: PasskeyService {
        get throws {
            PasskeyService(relyingParty: try relyingParty, secret: application.serverSecret, clock: portier.clock, random: portier.random)
        }
    }

    /// Portier as a WebAuthn relying party: the RP ID is the base URL's host, the origin its
    /// scheme, host and port — never the Host header.
    var relyingParty: RelyingParty {
        get throws {
            guard let party = RelyingParty(baseURL: portier.configuration.baseURL.absoluteString, name: localized("site.name")) else {
                throw Abort(.internalServerError, reason: "PORTIER_BASE_URL has no host")
            }
            return party
        }
    }
}

extension PasskeyService.Account {
    init(customer: Customer) throws {
        self.init(subject: try .customer(customer), name: customer.email, displayName: customer.name)
    }
}
