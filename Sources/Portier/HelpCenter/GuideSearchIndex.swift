import Fluent
import Foundation
import SQLKit

/// Full-text search over guides on both databases: SQLite FTS5 (bm25, title ×10) or PostgreSQL
/// `tsvector` (title weight A, body B, GIN index). Both index Portier's stems and match query
/// stems as prefixes, so Swedish definite and plural forms find each other.
struct GuideSearchIndex {
    let database: any Database

    struct Hit: Equatable {
        let guideID: UUID
        let rank: Double
    }

    /// The words a guide is found by, as stems: title and keywords weigh more than the body.
    static func stems(_ text: String, language: Language) -> [String] {
        switch language {
        case .swedish: SwedishStemmer.stems(of: text)
        case .english: SwedishStemmer.words(in: text).map(EnglishStemmer.stem)
        }
    }

    func replace(guideID: UUID, title: String, keywords: [String], body: String, language: Language) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let titleStems = Self.stems(([title] + keywords).joined(separator: " "), language: language).joined(separator: " ")
        let bodyStems = Self.stems(body, language: language).joined(separator: " ")
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                INSERT INTO guide_search (guide_id, document)
                VALUES (\(bind: guideID), setweight(to_tsvector('simple', \(bind: titleStems)), 'A') || setweight(to_tsvector('simple', \(bind: bodyStems)), 'B'))
                ON CONFLICT (guide_id) DO UPDATE SET document = excluded.document
                """).run()
        } else {
            try await sql.raw("DELETE FROM guide_search WHERE guide_id = \(bind: guideID.uuidString)").run()
            try await sql.raw("INSERT INTO guide_search (guide_id, title_stems, body_stems) VALUES (\(bind: guideID.uuidString), \(bind: titleStems), \(bind: bodyStems))").run()
        }
    }

    func remove(guideID: UUID) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DELETE FROM guide_search WHERE guide_id = \(bind: guideID)").run()
        } else {
            try await sql.raw("DELETE FROM guide_search WHERE guide_id = \(bind: guideID.uuidString)").run()
        }
    }

    /// Guides matching every query word (as a prefix of a stem), best first.
    func search(_ query: String, language: Language, limit: Int = 20) async throws -> [Hit] {
        guard let sql = database as? any SQLDatabase else { return [] }
        let terms = Array(Set(Self.stems(query, language: language)).sorted().prefix(8))
        guard !terms.isEmpty else { return [] }
        if sql.dialect.name == "postgresql" {
            let tsquery = terms.map { $0 + ":*" }.joined(separator: " & ")
            let rows = try await sql.raw("""
                SELECT guide_id, ts_rank(document, to_tsquery('simple', \(bind: tsquery))) AS rank
                FROM guide_search WHERE document @@ to_tsquery('simple', \(bind: tsquery))
                ORDER BY rank DESC LIMIT \(bind: limit)
                """).all()
            return try rows.map { Hit(guideID: try $0.decode(column: "guide_id", as: UUID.self), rank: try $0.decode(column: "rank", as: Double.self)) }
        }
        let match = terms.map { "\"\($0)\"*" }.joined(separator: " ")
        let rows = try await sql.raw("""
            SELECT guide_id, bm25(guide_search, 0.0, 10.0, 1.0) AS rank
            FROM guide_search WHERE guide_search MATCH \(bind: match)
            ORDER BY rank LIMIT \(bind: limit)
            """).all()
        return try rows.compactMap { row in
            guard let id = UUID(uuidString: try row.decode(column: "guide_id", as: String.self)) else { return nil }
            return Hit(guideID: id, rank: -(try row.decode(column: "rank", as: Double.self)))
        }
    }
}

/// A minimal English stemmer for the English guides: plural and common verb endings.
enum EnglishStemmer {
    static func stem(_ word: String) -> String {
        for suffix in ["ing", "ed", "es", "s"] where word.count > suffix.count + 2 && word.hasSuffix(suffix) {
            return String(word.dropLast(suffix.count))
        }
        return word
    }
}
