import Fluent
import Foundation

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

    func recordUnanswered(_ query: String, language: Language, at date: Date) async throws {
        let normalized = query.lowercased()
        if let existing = try await UnansweredSearch.query(on: database)
            .filter(\.$language == language.rawValue).filter(\.$query == normalized).first() {
            existing.searchCount += 1
            existing.lastSearchedAt = date
            try await existing.update(on: database)
        } else {
            try await UnansweredSearch(language: language.rawValue, query: normalized, at: date).create(on: database)
        }
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
