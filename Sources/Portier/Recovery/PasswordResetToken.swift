import Fluent
import Foundation

/// A single-use link that lets a customer choose a new password (DESIGN § 4): 256 random bits in
/// the link, only the SHA-256 stored, bound to one customer, expiring, and revoked by a newer
/// link and by any password change.
public final class PasswordResetToken: Model, SingleUseLinkToken, @unchecked Sendable {
    public static let schema = "password_reset_tokens"

    public enum Purpose: String, Codable, Sendable {
        /// "Glömt ditt lösenord?"
        case reset
        /// An operator created the account without a password (`portier customers create`).
        case setInitial = "set_initial"
    }

    @ID(key: .id) public var id: UUID?
    @Parent(key: "customer_id") public var customer: Customer
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "purpose") public var purpose: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "used_at") public var usedAt: Date?
    @OptionalField(key: "revoked_at") public var revokedAt: Date?

    public init() {}

    public init(customerID: UUID, tokenHash: String, purpose: Purpose, createdAt: Date, expiresAt: Date) {
        self.$customer.id = customerID
        self.tokenHash = tokenHash
        self.purpose = purpose.rawValue
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

}

extension PasswordResetToken {
    /// Revokes every open link of a customer (a newer link, a password or e-mail change).
    public static func revokeAll(of customerID: UUID, at now: Date, on database: any Database) async throws {
        try await PasswordResetToken.query(on: database)
            .filter(\.$customer.$id == customerID)
            .filter(\.$usedAt == nil)
            .filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: now)
            .update()
    }

    public static func find(token: String, on database: any Database) async throws -> PasswordResetToken? {
        try await PasswordResetToken.query(on: database)
            .filter(\.$tokenHash == TokenDigest.sha256Hex(token))
            .with(\.$customer)
            .first()
    }
}
