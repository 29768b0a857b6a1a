import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Rendered guide pages kept in memory: a page is rendered once per content change, language and
/// logged-in state, then served by joining its parts around the visitor's own CSRF token.
final class GuidePageCache: Sendable {
    struct Key: Hashable {
        let guideID: UUID
        let language: Language
        let isLoggedIn: Bool
    }

    private struct Entry {
        let contentHash: String
        let parts: [String]
    }

    /// Rendered in place of the CSRF token, then split on; random per process so no guide text
    /// can contain it.
    let tokenPlaceholder = "csrf-" + UUID().uuidString
    private let entries = NIOLockedValueBox<[Key: Entry]>([:])

    /// The cached page for this content, with `token` in the token's places.
    func page(for key: Key, contentHash: String, token: String) -> String? {
        entries.withLockedValue { $0[key] }
            .flatMap { $0.contentHash == contentHash ? $0.parts.joined(separator: token) : nil }
    }

    func store(_ html: String, for key: Key, contentHash: String) {
        let entry = Entry(contentHash: contentHash, parts: html.components(separatedBy: tokenPlaceholder))
        entries.withLockedValue { $0[key] = entry }
    }

    func removeAll() {
        entries.withLockedValue { $0 = [:] }
    }
}

extension Application {
    private struct GuidePageCacheKey: StorageKey { typealias Value = GuidePageCache }

    var guidePageCache: GuidePageCache {
        if let cache = storage[GuidePageCacheKey.self] { return cache }
        let cache = GuidePageCache()
        storage[GuidePageCacheKey.self] = cache
        return cache
    }
}
