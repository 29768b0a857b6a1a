import Fluent
import SQLKit

/// Search moved into memory (`GuideSearchEngine`, the PortierSearch module): the full-text table
/// of `CreateGuideSearchIndex` is no longer written or read.
///
/// `revert` recreates it as `CreateGuideSearchIndex` did and marks every guide as changed
/// (`content_hash` emptied), so the earlier version's `portier guides import` (also run at its
/// start-up) writes every guide's search entry again instead of skipping unchanged guides.
struct DropGuideSearchIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP TABLE IF EXISTS guide_search").run()
    }

    func revert(on database: any Database) async throws {
        try await CreateGuideSearchIndex().prepare(on: database)
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.update(Guide.schema).set("content_hash", to: "").run()
    }
}
