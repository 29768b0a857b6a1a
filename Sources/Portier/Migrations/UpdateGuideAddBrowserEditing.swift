import Fluent
import SQLKit

/// The guide editor in `/personal/guider`: a guide can be unpublished, and remembers when and by
/// whom it was last edited in the browser (the file importer then leaves it alone without `--force`).
struct UpdateGuideAddBrowserEditing: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One ALTER per column: SQLite adds a single column per statement.
        try await database.schema(Guide.schema).field("is_published", .bool, .required, .sql(.default(true))).update()
        try await database.schema(Guide.schema).field("edited_at", .datetime).update()
        try await database.schema(Guide.schema).field("edited_by_staff_id", .uuid).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Guide.schema).deleteField("edited_by_staff_id").update()
        try await database.schema(Guide.schema).deleteField("edited_at").update()
        try await database.schema(Guide.schema).deleteField("is_published").update()
    }
}
