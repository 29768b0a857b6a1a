import Fluent
import SQLKit

struct CreateStaffPasswordToken: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StaffPasswordToken.schema)
            .id()
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await (database as? any SQLDatabase)?
            .create(index: "staff_password_tokens_staff_idx").on(StaffPasswordToken.schema).column("staff_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StaffPasswordToken.schema).delete()
    }
}
