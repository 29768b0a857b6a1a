import Fluent
import Foundation

/// A single-use link that lets a staff member choose their password (`portier staff create`
/// without `--password-stdin`, or a member created in Medarbetare): 256 random bits in the link,
/// only the SHA-256 stored, bound to one staff member, expiring, revoked by a newer link.
/// Staff members are their own table, so their links are too (`password_reset_tokens` belongs to
/// customers).
public final class StaffPasswordToken: Model, SingleUseLinkToken, @unchecked Sendable {
    public static let schema = "staff_password_tokens"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "staff_id") public var staff: StaffMember
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "used_at") public var usedAt: Date?
    @OptionalField(key: "revoked_at") public var revokedAt: Date?

    public init() {}

    public init(staffID: UUID, tokenHash: String, createdAt: Date, expiresAt: Date) {
        self.$staff.id = staffID
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

}

extension StaffPasswordToken {
    /// Revokes every open link of a staff member.
    public static func revokeAll(of staffID: UUID, at now: Date, on database: any Database) async throws {
        try await StaffPasswordToken.query(on: database)
            .filter(\.$staff.$id == staffID)
            .filter(\.$usedAt == nil)
            .filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: now)
            .update()
    }

    public static func find(token: String, on database: any Database) async throws -> StaffPasswordToken? {
        try await StaffPasswordToken.query(on: database)
            .filter(\.$tokenHash == TokenDigest.sha256Hex(token))
            .with(\.$staff)
            .first()
    }
}
