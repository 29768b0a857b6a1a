import Fluent

/// Guides deleted in the browser, which the file importer leaves deleted (`DeletedGuide`).
struct CreateDeletedGuide: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DeletedGuide.schema)
            .id()
            .field("language", .string, .required)
            .field("slug", .string, .required)
            .field("source_path", .string, .required)
            .field("title", .string, .required)
            .field("staff_id", .uuid, .references(StaffMember.schema, "id", onDelete: .setNull))
            .field("deleted_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DeletedGuide.schema).delete()
    }
}
