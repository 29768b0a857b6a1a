import Fluent
import SQLKit

struct CreatePasskeyCredential: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PasskeyCredential.schema)
            .id()
            .field("subject_kind", .string, .required)
            .field("subject_id", .uuid, .required)
            .field("credential_id", .string, .required)
            .field("public_key", .data, .required)
            .field("algorithm", .int, .required)
            .field("sign_count", .int64, .required)
            .field("user_handle", .string, .required)
            .field("name", .string, .required)
            .field("transports", .string)
            .field("is_backup_eligible", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("last_used_at", .datetime)
            .field("possibly_cloned_at", .datetime)
            .unique(on: "credential_id")
            .create()
        try await (database as? any SQLDatabase)?
            .create(index: "passkey_credentials_subject_idx").on(PasskeyCredential.schema).column("subject_kind").column("subject_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PasskeyCredential.schema).delete()
    }
}
