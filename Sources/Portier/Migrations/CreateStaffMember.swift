import Fluent

struct CreateStaffMember: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StaffMember.schema)
            .id()
            .field("email", .string, .required)
            .field("name", .string, .required)
            .field("role", .string, .required)
            .field("password_hash", .string)
            .field("is_disabled", .bool, .required, .sql(.default(false)))
            .field("language", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "email")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StaffMember.schema).delete()
    }
}
