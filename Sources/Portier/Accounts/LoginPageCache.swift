import NIOConcurrencyHelpers
import Vapor

/// The plain login page (no `next`, no notice, no error) per language, rendered once with a
/// placeholder token and joined around each visitor's own CSRF token, like guide pages: the
/// page every customer opens first is served without the template engine (bench/guide-vs-static).
/// Templates and catalogs do not change while the process runs, except in development, where
/// nothing is kept.
final class LoginPageCache: Sendable {
    private let pages = NIOLockedValueBox<[Language: TokenizedPage]>([:])
    let isEnabled: Bool

    init(isEnabled: Bool) {
        self.isEnabled = isEnabled
    }

    func page(for language: Language) -> TokenizedPage? {
        guard isEnabled else { return nil }
        return pages.withLockedValue { $0[language] }
    }

    func store(_ html: String, for language: Language) -> TokenizedPage {
        let page = TokenizedPage(html: html)
        if isEnabled { pages.withLockedValue { $0[language] = page } }
        return page
    }
}

extension Application {
    private struct LoginPageCacheKey: StorageKey { typealias Value = LoginPageCache }

    /// Set up by `configure` before any request (storage is not safe to fill from requests).
    var loginPageCache: LoginPageCache {
        get {
            guard let cache = storage[LoginPageCacheKey.self] else { fatalError("configure(_:) sets up the login page cache") }
            return cache
        }
        set { storage[LoginPageCacheKey.self] = newValue }
    }
}
