import Fluent
import Foundation
import SQLKit
import PortierSearch

/// Search as the reader sees it: ranked guides with snippets from the in-memory index
/// (`GuideSearchEngine`), falling back to the other language when the reader's own has no match,
/// "Menade du …?" when neither has one, and a record of searches that found nothing.
struct HelpSearch {
    let database: any Database
    let engine: GuideSearchEngine

    /// Results as the results page lists them.
    func results(for query: String, language: Language) async throws -> [SearchResult] {
        let snapshot = try await engine.snapshot(on: database)
        for searchLanguage in [language, language.other] {
            let hits = snapshot.index.search(query, language: searchLanguage.searchLanguage)
            if !hits.isEmpty {
                return Self.results(hits, language: searchLanguage, in: snapshot)
            }
        }
        return []
    }

    /// The nearest query that finds something, for a query that found nothing: in the reader's
    /// language, else in the other one.
    func proposal(for query: String, language: Language) async throws -> String? {
        let snapshot = try await engine.snapshot(on: database)
        for searchLanguage in [language, language.other] {
            if let proposal = snapshot.index.didYouMean(query, language: searchLanguage.searchLanguage) {
                return proposal
            }
        }
        return nil
    }

    /// Up to `limit` guides for what a visitor has typed so far (from two letters), in the
    /// reader's language, else the other one. Nothing is recorded: the visitor is still typing.
    static func suggestions(for prefix: String, language: Language, limit: Int = 5, in snapshot: GuideSearchEngine.Snapshot) -> [SearchSuggestion] {
        for searchLanguage in [language, language.other] {
            let hits = snapshot.index.instant(prefix, language: searchLanguage.searchLanguage, limit: limit)
            let suggestions = hits.compactMap { hit in
                snapshot.guides[hit.id].map { SearchSuggestion(title: $0.title, url: $0.url, category: $0.categoryTitle) }
            }
            if !suggestions.isEmpty { return suggestions }
        }
        return []
    }

    static func results(_ hits: [SearchHit], language: Language, in snapshot: GuideSearchEngine.Snapshot) -> [SearchResult] {
        hits.compactMap { hit in
            guard let guide = snapshot.guides[hit.id] else { return nil }
            // Words recur in a text ("du", "och"); each is looked up once.
            var isHighlighted: [String: Bool] = [:]
            let snippet = SearchSnippet.make(text: guide.bodyText) { word in
                if let known = isHighlighted[word] { return known }
                let highlighted = snapshot.index.highlights(word, in: hit, language: language.searchLanguage)
                isHighlighted[word] = highlighted
                return highlighted
            }
            return SearchResult(title: guide.title, url: guide.url, category: guide.categoryTitle, snippetHTML: snippet)
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
}
