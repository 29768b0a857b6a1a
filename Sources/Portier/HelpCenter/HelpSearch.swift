import Fluent
import Foundation
import SQLKit

/// Search as the reader sees it: ranked guides with snippets, falling back to the other
/// language when the reader's own has no match, and a record of searches that found nothing.
struct HelpSearch {
    let database: any Database

    func results(for query: String, language: Language) async throws -> [SearchResult] {
        let index = GuideSearchIndex(database: database)
        var searchLanguage = language
        var hits = try await index.search(query, language: language)
        var guides = try await load(hits, language: language)
        if guides.isEmpty {
            searchLanguage = language == .swedish ? .english : .swedish
            hits = try await index.search(query, language: searchLanguage)
            guides = try await load(hits, language: searchLanguage)
        }
        let stems = Set(GuideSearchIndex.stems(query, language: searchLanguage))
        return guides.map { guide in
            SearchResult(
                title: guide.title,
                url: HelpCenterController.url(category: guide.category.slug, guide: guide.slug),
                category: guide.category.title,
                snippetHTML: SearchSnippet.make(text: guide.bodyText, queryStems: stems, language: searchLanguage)
            )
        }
    }

    /// Counts a search that found nothing: one row per language and normalized query, its counter
    /// raised by a single upsert, so a scanner repeating itself adds no rows and concurrent
    /// identical searches cannot collide on the unique index.
    func recordUnanswered(_ query: String, language: Language, at date: Date) async throws {
        let normalized = Self.normalizedQuery(query).lowercased()
        guard !normalized.isEmpty, let sql = database as? any SQLDatabase else { return }
        try await sql.insert(into: UnansweredSearch.schema)
            .columns("id", "language", "query", "search_count", "last_searched_at")
            .values(SQLBind(UUID()), SQLBind(language.rawValue), SQLBind(normalized), SQLBind(1), SQLBind(date))
            .onConflict(with: ["language", "query"]) { update in
                update
                    .set("search_count", to: SQLBinaryExpression(SQLColumn("search_count", table: UnansweredSearch.schema), .add, SQLLiteral.numeric("1")))
                    .set(excludedValueOf: "last_searched_at")
            }
            .run()
    }

    /// Longer queries are cut: no guide title comes near it.
    static let maximumQueryLength = 200

    /// The query as searched, shown and recorded: control characters (a visitor's terminal
    /// escape sequences) become spaces, runs of white space one space, at most
    /// ``maximumQueryLength`` characters.
    static func normalizedQuery(_ raw: String) -> String {
        let words = PlainText.singleLine(raw).split(whereSeparator: \.isWhitespace)
        return String(words.joined(separator: " ").prefix(maximumQueryLength)).trimmingCharacters(in: .whitespaces)
    }

    /// The hits' guides in rank order, only those in `language`.
    private func load(_ hits: [GuideSearchIndex.Hit], language: Language) async throws -> [Guide] {
        guard !hits.isEmpty else { return [] }
        let guides = try await Guide.query(on: database)
            .filter(\.$id ~~ hits.map(\.guideID))
            .filter(\.$language == language.rawValue)
            .with(\.$category)
            .all()
        let byID = Dictionary(uniqueKeysWithValues: guides.compactMap { guide in guide.id.map { ($0, guide) } })
        return hits.compactMap { byID[$0.guideID] }
    }
}
