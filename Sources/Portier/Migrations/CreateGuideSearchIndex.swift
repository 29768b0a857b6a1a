import Fluent
import SQLKit

/// The full-text index over guides: an FTS5 table on SQLite, a weighted `tsvector` with a GIN
/// index on PostgreSQL. Both indexed Portier's own Swedish stems. Dropped again by
/// `DropGuideSearchIndex` since search runs in memory.
struct CreateGuideSearchIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        switch sql.dialect.name {
        case "postgresql":
            try await sql.raw("CREATE TABLE guide_search (guide_id UUID PRIMARY KEY REFERENCES guides(id) ON DELETE CASCADE, document TSVECTOR NOT NULL)").run()
            try await sql.raw("CREATE INDEX guide_search_document_idx ON guide_search USING GIN (document)").run()
        default:
            try await sql.raw("CREATE VIRTUAL TABLE guide_search USING fts5(guide_id UNINDEXED, title_stems, body_stems, tokenize = 'unicode61 remove_diacritics 0')").run()
        }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP TABLE IF EXISTS guide_search").run()
    }
}
