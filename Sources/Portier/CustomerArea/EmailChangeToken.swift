import Fluent
import Foundation

/// A pending change of the registered e-mail address. The link sent to the new address carries
/// 256 random bits; only their SHA-256 is stored. Single use, expiring, bound to one customer and
/// one new address, and revoked by a newer request.
public final class EmailChangeToken: Model, SingleUseLinkToken, @unchecked Sendable {
    public static let schema = "email_change_tokens"

    /// How long a confirmation link works.
    public static let lifetime: TimeInterval = 24 * 60 * 60

    @ID(key: .id) public var id: UUID?
    @Parent(key: "customer_id") public var customer: Customer
    @Field(key: "new_email") public var newEmail: String
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "used_at") public var usedAt: Date?
    @OptionalField(key: "revoked_at") public var revokedAt: Date?

    public init() {}

    public init(customerID: UUID, newEmail: String, tokenHash: String, createdAt: Date, expiresAt: Date) {
        self.$customer.id = customerID
        self.newEmail = newEmail
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

}

extension EmailChangeToken {
    /// Revokes every open confirmation link of a customer.
    static func revokeAll(of customerID: UUID, at now: Date, on database: any Database) async throws {
        try await EmailChangeToken.query(on: database)
            .filter(\.$customer.$id == customerID)
            .filter(\.$usedAt == nil)
            .filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: now)
            .update()
    }

    static func find(token: String, on database: any Database) async throws -> EmailChangeToken? {
        guard token.utf8.count <= 128 else { return nil }
        return try await EmailChangeToken.query(on: database)
            .filter(\.$tokenHash == TokenDigest.sha256Hex(token))
            .with(\.$customer)
            .first()
    }

    /// The customer's newest link that can still be used: the change waiting for confirmation.
    static func pending(for customerID: UUID, at now: Date, on database: any Database) async throws -> EmailChangeToken? {
        try await EmailChangeToken.query(on: database)
            .filter(\.$customer.$id == customerID)
            .filter(\.$usedAt == nil)
            .filter(\.$revokedAt == nil)
            .filter(\.$expiresAt > now)
            .sort(\.$createdAt, .descending)
            .first()
    }
}
