import Fluent
import Foundation

/// Creates reset links: a new one revokes the customer's earlier ones in the same transaction.
struct ResetLinkIssuer {
    let services: PortierServices

    /// Returns the raw token (for the link) after storing its hash.
    func issue(for customerID: UUID, purpose: PasswordResetToken.Purpose, lifetime: TimeInterval? = nil, on database: any Database) async throws -> String {
        let now = services.clock.now()
        let token = services.random.makeToken(byteCount: 32)
        try await PasswordResetToken.revokeAll(of: customerID, at: now, on: database)
        try await PasswordResetToken(
            customerID: customerID,
            tokenHash: TokenDigest.sha256Hex(token),
            purpose: purpose,
            createdAt: now,
            expiresAt: now.addingTimeInterval(lifetime ?? services.configuration.resetTokenLifetime)
        ).create(on: database)
        return token
    }

    /// The absolute link for a token, built from `PORTIER_BASE_URL` (never the Host header).
    func link(for token: String) -> String {
        var base = services.configuration.baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + SiteURL.resetPassword(token: .value(token)).path
    }
}
