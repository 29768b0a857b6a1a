import Foundation
import PortierDKIM

/// Signs every message with DKIM (`PORTIER_DKIM_*`) after rendering and hands it on: wraps the
/// transport `configureMail` chose, so SMTP and the development files carry the same signature.
struct DKIMSigningTransport: MailTransport {
    let signer: DKIMSigner
    let next: any MailTransport
    let clock: any AppClock

    func send(_ rendered: RenderedMail) async throws {
        var signed = rendered
        signed.bytes = try signer.signed(rendered.bytes, at: clock.now())
        try await next.send(signed)
    }
}

/// The DKIM settings read from the environment; the key file is read by `configureMail`.
public struct DKIMSettings: Sendable, Equatable {
    public var domain: String
    public var selector: String
    public var privateKeyFile: String
}

extension DKIMSigner {
    /// The signer for `settings`, its key read from the file.
    /// - Throws: ``ConfigurationError`` naming the variable that is wrong.
    static func make(_ settings: DKIMSettings) throws -> DKIMSigner {
        let pem: String
        do {
            pem = try String(contentsOfFile: settings.privateKeyFile, encoding: .utf8)
        } catch {
            throw ConfigurationError(variable: "PORTIER_DKIM_PRIVATE_KEY_FILE", reason: "cannot be read: \(settings.privateKeyFile)")
        }
        let key: DKIMPrivateKey
        do {
            key = try DKIMPrivateKey(pemRepresentation: pem)
        } catch {
            throw ConfigurationError(variable: "PORTIER_DKIM_PRIVATE_KEY_FILE", reason: "does not hold a usable key (\(error)); 'portier dkim generate' makes one")
        }
        do {
            return try DKIMSigner(domain: settings.domain, selector: settings.selector, key: key, overSignedFieldNames: ["From", "Reply-To"])
        } catch .invalidSelector {
            throw ConfigurationError(variable: "PORTIER_DKIM_SELECTOR", reason: "must be a DNS label such as 'portier2026', got '\(settings.selector)'")
        } catch {
            throw ConfigurationError(variable: "PORTIER_DKIM_DOMAIN", reason: "must be a domain name such as 'example.se', got '\(settings.domain)'")
        }
    }

    /// Whether mail from `fromDomain` passes DMARC's relaxed alignment with this signature
    /// (the same domain or a subdomain of it).
    func isAligned(withFromDomain fromDomain: String) -> Bool {
        let from = fromDomain.lowercased(), signing = domain.lowercased()
        return from == signing || from.hasSuffix("." + signing)
    }
}
