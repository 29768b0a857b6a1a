import Fluent
import SQLKit

struct CreateTOTPCredential: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TOTPCredential.schema)
            .id()
            .field("subject_kind", .string, .required)
            .field("subject_id", .uuid, .required)
            .field("sealed_secret", .string, .required)
            .field("created_at", .datetime, .required)
            .field("confirmed_at", .datetime)
            .field("last_used_step", .int64)
            .unique(on: "subject_kind", "subject_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TOTPCredential.schema).delete()
    }
}
