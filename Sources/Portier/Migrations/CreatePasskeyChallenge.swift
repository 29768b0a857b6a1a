import Fluent

struct CreatePasskeyChallenge: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PasskeyChallenge.schema)
            .id()
            .field("challenge_hash", .string, .required)
            .field("ceremony", .string, .required)
            .field("subject_kind", .string)
            .field("subject_id", .uuid)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "challenge_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PasskeyChallenge.schema).delete()
    }
}
