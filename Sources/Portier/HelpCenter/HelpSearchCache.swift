import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Recent search results in memory, per language and query, for `lifetime`: the common words
/// (the most searched) are answered without the database and without building snippets again.
/// A guide changed by another process shows in results within `lifetime`; an import in this
/// process clears the cache at once. Searches that found nothing are not kept (they are counted).
final class HelpSearchCache: Sendable {
    private struct Key: Hashable {
        let language: Language
        let query: String
    }

    private struct Entry {
        let results: [SearchResult]
        let storedAt: NIODeadline
    }

    static let lifetime = TimeAmount.seconds(2)
    private static let capacity = 500
    private let entries = NIOLockedValueBox<[Key: Entry]>([:])

    func results(for query: String, language: Language, now: NIODeadline = .now()) -> [SearchResult]? {
        guard let entry = entries.withLockedValue({ $0[Key(language: language, query: query.lowercased())] }),
              now - entry.storedAt < Self.lifetime else { return nil }
        return entry.results
    }

    func store(_ results: [SearchResult], for query: String, language: Language, now: NIODeadline = .now()) {
        guard !results.isEmpty else { return }
        entries.withLockedValue { entries in
            if entries.count >= Self.capacity { entries.removeAll() }
            entries[Key(language: language, query: query.lowercased())] = Entry(results: results, storedAt: now)
        }
    }

    func removeAll() {
        entries.withLockedValue { $0 = [:] }
    }
}

extension Application {
    private struct HelpSearchCacheKey: StorageKey { typealias Value = HelpSearchCache }

    var helpSearchCache: HelpSearchCache {
        if let cache = storage[HelpSearchCacheKey.self] { return cache }
        let cache = HelpSearchCache()
        storage[HelpSearchCacheKey.self] = cache
        return cache
    }
}
