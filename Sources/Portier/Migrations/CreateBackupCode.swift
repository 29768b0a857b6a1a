import Fluent
import SQLKit

struct CreateBackupCode: AsyncMigration {
    static let subjectIndex = "backup_codes_subject_idx"

    func prepare(on database: any Database) async throws {
        try await database.schema(BackupCode.schema)
            .id()
            .field("subject_kind", .string, .required)
            .field("subject_id", .uuid, .required)
            .field("code_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("used_at", .datetime)
            .create()
        try await (database as? any SQLDatabase)?
            .create(index: Self.subjectIndex).on(BackupCode.schema).column("subject_kind").column("subject_id").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.drop(index: Self.subjectIndex).ifExists().run()
        }
        try await database.schema(BackupCode.schema).delete()
    }
}
