import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Recent search pages in memory, per language, query and logged-in state, for `lifetime`: the
/// common words (the most searched) are answered without the database and without rendering,
/// joined around each visitor's CSRF token like guide pages (bench/guide-vs-static). A page is
/// kept per search index (`GuideSearchEngine`), so a new index (after an import, or a change
/// elsewhere) is used at once. Searches that found nothing are not kept (each one is counted).
final class HelpSearchCache: Sendable {
    struct Key: Hashable {
        let language: Language
        let query: String
        let isLoggedIn: Bool
        /// The search index's `generation`: a page found with an older index is never served.
        let indexGeneration: Int
    }

    private struct Entry {
        let page: TokenizedPage
        let storedAt: NIODeadline
    }

    static let lifetime = TimeAmount.seconds(2)
    private static let capacity = 500
    private let entries = NIOLockedValueBox<[Key: Entry]>([:])

    /// The page for `key` with `token` in the token's places, if stored less than `lifetime` ago.
    func page(for key: Key, token: String, now: NIODeadline = .now()) -> ByteBuffer? {
        guard let entry = entries.withLockedValue({ $0[key] }), now - entry.storedAt < Self.lifetime else { return nil }
        return entry.page.body(with: token)
    }

    /// Keeps a page rendered with `TokenizedPage.placeholder` as its token.
    func store(_ html: String, for key: Key, now: NIODeadline = .now()) {
        let entry = Entry(page: TokenizedPage(html: html), storedAt: now)
        entries.withLockedValue { entries in
            if entries.count >= Self.capacity { entries.removeAll() }
            entries[key] = entry
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
