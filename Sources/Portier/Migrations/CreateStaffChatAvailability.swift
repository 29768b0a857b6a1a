import Fluent

struct CreateStaffChatAvailability: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StaffChatAvailability.schema)
            .id()
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id", onDelete: .cascade))
            .field("is_available", .bool, .required)
            .field("last_activity_at", .datetime, .required)
            .unique(on: "staff_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StaffChatAvailability.schema).delete()
    }
}
