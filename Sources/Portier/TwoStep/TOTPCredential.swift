import Fluent
import Foundation
import SQLKit

/// One authenticator app of a subject (customer or staff member): its secret, sealed by
/// `SecondFactorSecretBox`, and the last step used, so a code is accepted once. Unconfirmed
/// (`confirmedAt == nil`) while the subject is setting it up; two-step verification is on when a
/// confirmed row exists. At most one row per subject.
public final class TOTPCredential: Model, @unchecked Sendable {
    public static let schema = "totp_credentials"

    @ID(key: .id) public var id: UUID?
    @Enum(key: "subject_kind") public var subjectKind: SessionSubjectKind
    @Field(key: "subject_id") public var subjectID: UUID
    @Field(key: "sealed_secret") public var sealedSecret: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "confirmed_at") public var confirmedAt: Date?
    /// The newest TOTP step accepted; codes of this step and earlier are refused.
    @OptionalField(key: "last_used_step") public var lastUsedStep: Int64?

    public init() {}

    init(subject: SecondFactorSubject, sealedSecret: String, createdAt: Date) {
        self.subjectKind = subject.kind
        self.subjectID = subject.id
        self.sealedSecret = sealedSecret
        self.createdAt = createdAt
    }

    public var isConfirmed: Bool { confirmedAt != nil }
    var subject: SecondFactorSubject { SecondFactorSubject(kind: subjectKind, id: subjectID) }
}

extension TOTPCredential {
    static func find(for subject: SecondFactorSubject, on database: any Database) async throws -> TOTPCredential? {
        try await TOTPCredential.query(on: database)
            .filter(\.$subjectKind == subject.kind)
            .filter(\.$subjectID == subject.id)
            .first()
    }

    /// Records `step` as used when it is later than the last used one — in the UPDATE itself, so
    /// two requests with the same code (or a code and an older one) cannot both pass.
    static func claim(step: Int64, of id: UUID, on database: any Database) async throws -> Bool {
        guard let sql = database as? any SQLDatabase else { return false }
        let rows = try await sql.raw("""
            UPDATE \(ident: schema) SET last_used_step = \(bind: step)
            WHERE id = \(bind: id) AND (last_used_step IS NULL OR last_used_step < \(bind: step))
            RETURNING id
            """).all()
        return !rows.isEmpty
    }
}
