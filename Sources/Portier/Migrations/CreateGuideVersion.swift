import Fluent

/// Every save of a guide in the browser editor, numbered per guide: who, when, and the whole guide.
struct CreateGuideVersion: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(GuideVersion.schema)
            .id()
            .field("guide_id", .uuid, .required, .references(Guide.schema, "id", onDelete: .cascade))
            .field("number", .int, .required)
            .field("state", .string, .required)
            .field("category_slug", .string, .required)
            .field("slug", .string, .required)
            .field("title", .string, .required)
            .field("sort_order", .int, .required)
            .field("keywords", .string, .required)
            .field("related_slugs", .string, .required)
            .field("translation_slug", .string)
            .field("body_markdown", .string, .required)
            .field("staff_id", .uuid, .references(StaffMember.schema, "id", onDelete: .setNull))
            .field("author_name", .string, .required)
            .field("restored_from", .int)
            .field("created_at", .datetime, .required)
            .unique(on: "guide_id", "number")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(GuideVersion.schema).delete()
    }
}
