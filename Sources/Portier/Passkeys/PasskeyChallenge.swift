import Crypto
import Fluent
import Foundation
import SQLKit

/// A WebAuthn challenge Portier issued and has not seen back yet (WebAuthn §13.4.3): 32 random
/// bytes, of which only the SHA-256 is stored, valid for five minutes, bound to its ceremony
/// (registration or sign-in) and — for a registration — to the subject it was issued to. The
/// first response that names it deletes it, so it is used once whatever the outcome.
public final class PasskeyChallenge: Model, @unchecked Sendable {
    public static let schema = "passkey_challenges"
    public static let lifetime: TimeInterval = 5 * 60
    public static let byteCount = 32

    public enum Ceremony: String, Codable, Sendable {
        case registration
        case authentication
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "challenge_hash") public var challengeHash: String
    @Enum(key: "ceremony") public var ceremony: Ceremony
    @OptionalField(key: "subject_kind") public var subjectKind: SessionSubjectKind?
    @OptionalField(key: "subject_id") public var subjectID: UUID?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "expires_at") public var expiresAt: Date

    public init() {}

    init(challenge: [UInt8], ceremony: Ceremony, subject: SecondFactorSubject?, now: Date) {
        self.challengeHash = Self.hash(challenge)
        self.ceremony = ceremony
        self.subjectKind = subject?.kind
        self.subjectID = subject?.id
        self.createdAt = now
        self.expiresAt = now.addingTimeInterval(Self.lifetime)
    }

    static func hash(_ challenge: [UInt8]) -> String {
        TokenDigest.sha256Hex(bytes: challenge)
    }
}

extension PasskeyChallenge {
    /// Deletes the challenge `challenge` of `ceremony` (and `subject`, when given) in one DELETE
    /// and says whether it existed and was still valid: of two requests with the same challenge
    /// only one finds the row.
    static func claim(_ challenge: [UInt8], ceremony: Ceremony, subject: SecondFactorSubject?, at now: Date, on database: any Database) async throws -> Bool {
        guard let sql = database as? any SQLDatabase else { return false }
        var delete = sql.delete(from: schema)
            .where("challenge_hash", .equal, hash(challenge))
            .where("ceremony", .equal, ceremony.rawValue)
        if let subject {
            delete = delete.where("subject_kind", .equal, subject.kind.rawValue).where("subject_id", .equal, subject.id)
        } else {
            delete = delete.where("subject_id", .is, SQLLiteral.null)
        }
        let rows = try await delete.returning("expires_at").all()
        guard let row = rows.first else { return false }
        return try row.decode(column: "expires_at", as: Date.self) > now
    }
}
