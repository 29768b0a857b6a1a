import Fluent

/// Guide views per guide and day (Stockholm), for the staff feedback page's periods and charts.
struct CreateGuideViewDay: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(GuideViewDay.schema)
            .id()
            .field("guide_id", .uuid, .required, .references(Guide.schema, "id", onDelete: .cascade))
            .field("day", .string, .required)
            .field("view_count", .int, .required)
            .unique(on: "guide_id", "day")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(GuideViewDay.schema).delete()
    }
}
