import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// The one page cache: pages that are the same for every visitor without a session, kept in
/// memory and answered by `PageCacheResponder` before Vapor's router and middleware.
///
/// - **What is kept**: only answers of routes marked `sharedWithVisitorsWithoutSession()` or
///   `sharedWithCSRFTokenHole()`, to a GET without a session cookie (customer or staff), with
///   status 200, not marked `keepsOutOfPageCache()`, and without `Set-Cookie` (apart from the
///   CSRF cookie of a hole page, see below).
/// - **Key**: path + query + the visitor's language (cookie, then `Accept-Language`).
/// - **Validators**: a shared page gets a strong `ETag` (digest of its bytes), `Last-Modified`
///   (when it was kept) and `Cache-Control: public, max-age=0, s-maxage=60, must-revalidate`, so
///   browsers revalidate every time (304 from memory) and a reverse proxy may keep it a minute.
///   Pages whose language is the visitor's (not the address's) also say `Vary: Cookie,
///   Accept-Language`.
/// - **The CSRF token hole** (the one exception, login and forgot-password pages): such a page is
///   kept with its CSRF token cut out, and filled on every answer with the visitor's own token
///   (the `portier_csrf` cookie's value when it is well-formed, else a fresh one, sent as that
///   cookie). These answers stay `no-store` without validators: the bytes are per visitor.
/// - **Bound and expiry**: at most `maxBytes` of pages (the oldest go first) and `lifetime` per
///   page (AppClock time), so what the cache cannot know of (views that order "popular guides")
///   catches up.
/// - **Invalidation**: `removeAll()` after every guide import (`importGuides`, also used by
///   `portier guides import`); with several instances, each instance's `GuideSearchRefresher`
///   notices a changed guide table (its fingerprint, checked every 2 s) and clears its own cache,
///   so a guide changed through another instance shows within a few seconds — no shared version
///   number is needed; `lifetime` is the outer bound.
final class PageCache: Sendable {
    struct Key: Hashable, Sendable {
        let path: String
        let query: String?
        let language: Language
    }

    /// How a route's answers may be kept (route metadata).
    enum Sharing: Sendable, Hashable {
        /// The same bytes for every visitor without a session.
        case shared(languageFromAddress: Bool)
        /// The same bytes apart from the visitor's CSRF token.
        case csrfTokenHole
    }

    /// A kept page.
    struct Entry: Sendable {
        let status: HTTPStatus
        /// The handler's headers with this cache's own `Cache-Control`, `ETag`, `Last-Modified`.
        let headers: HTTPHeaders
        /// The page, split where the CSRF token goes (one part for a shared page).
        let parts: [ByteBuffer]
        let etag: String?
        let storedAt: Date
        let byteCount: Int
        /// The route's pattern, for the request log.
        let routePattern: String
        /// Run for every answer from memory (guide views are counted per answer).
        let onServe: (@Sendable (Application) -> Void)?

        /// A CSRF token hole page: no validators, the visitor's token between the parts.
        var hasTokenHole: Bool { etag == nil }
    }

    static let sharedCacheLifetime = 60

    let maxBytes: Int
    let lifetime: TimeInterval
    private let state = NIOLockedValueBox(State())

    private struct State {
        var entries: [Key: Entry] = [:]
        var byteCount = 0
        /// Keys in the order they were stored, oldest first; a key stored again stays behind as a
        /// stale mark (its `storedAt` no longer matches) and is skipped when it comes up.
        var order = CircularBuffer<(key: Key, storedAt: Date)>()
    }

    init(maxBytes: Int = 32 * 1024 * 1024, lifetime: TimeInterval = 60) {
        self.maxBytes = maxBytes
        self.lifetime = lifetime
    }

    /// The page for `key` when it was kept less than `lifetime` before `now`.
    func entry(for key: Key, now: Date) -> Entry? {
        guard let entry = state.withLockedValue({ $0.entries[key] }) else { return nil }
        guard now.timeIntervalSince(entry.storedAt) < lifetime else {
            state.withLockedValue { state in
                if let stale = state.entries[key], stale.storedAt == entry.storedAt {
                    state.entries[key] = nil
                    state.byteCount -= stale.byteCount
                }
            }
            return nil
        }
        return entry
    }

    /// Keeps `entry` under `key`; the oldest pages go when the bound would be passed. A page
    /// larger than the whole bound is not kept.
    func store(_ entry: Entry, for key: Key) {
        guard entry.byteCount <= maxBytes else { return }
        state.withLockedValue { state in
            if let old = state.entries.removeValue(forKey: key) { state.byteCount -= old.byteCount }
            // The oldest pages go first, in stored order: no sort under the lock every hit takes.
            while state.byteCount + entry.byteCount > maxBytes, let oldest = state.order.popFirst() {
                if let old = state.entries[oldest.key], old.storedAt == oldest.storedAt {
                    state.entries[oldest.key] = nil
                    state.byteCount -= old.byteCount
                }
            }
            state.entries[key] = entry
            state.byteCount += entry.byteCount
            state.order.append((key, entry.storedAt))
            if state.order.count > 2 * state.entries.count + 64 {
                // Too many stale marks (pages stored again, expired or cleared): keep the live ones.
                state.order = CircularBuffer(state.order.filter { state.entries[$0.key]?.storedAt == $0.storedAt })
            }
        }
    }

    func removeAll() {
        state.withLockedValue { $0 = State() }
    }

    var count: Int { state.withLockedValue { $0.entries.count } }
    var byteCount: Int { state.withLockedValue { $0.byteCount } }

    /// Builds the entry for a fresh answer; nil when it may not be kept.
    static func entry(
        from response: Response, sharing: Sharing, csrfToken: String?, csrfCookieName: String,
        routePattern: String, now: Date
    ) -> Entry? {
        guard response.status == .ok, !response.isKeptOutOfPageCache,
              let buffer = response.body.buffer else { return nil }
        var headers = response.headers
        switch sharing {
        case .shared(let languageFromAddress):
            guard !headers.contains(name: .setCookie) else { return nil }
            let etag = #""\#(shortDigest(buffer))""#
            headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=0, s-maxage=\(sharedCacheLifetime), must-revalidate")
            headers.replaceOrAdd(name: .eTag, value: etag)
            headers.replaceOrAdd(name: .lastModified, value: HTTPHeaders.LastModified(now).serialize())
            if !languageFromAddress {
                headers.replaceOrAdd(name: .vary, value: "Cookie, Accept-Language")
            }
            return Entry(
                status: response.status, headers: headers, parts: [buffer], etag: etag, storedAt: now,
                byteCount: buffer.readableBytes, routePattern: routePattern, onServe: response.pageCacheOnServe
            )
        case .csrfTokenHole:
            // The only cookie such an answer may set is the visitor's CSRF cookie.
            let cookies = response.cookies.all
            guard let token = csrfToken, CSRFMiddleware.isWellFormedToken(token),
                  cookies.keys.allSatisfy({ $0 == csrfCookieName }) else { return nil }
            let html = String(buffer: buffer)
            let texts = html.components(separatedBy: token)
            guard texts.count > 1 else { return nil }
            headers.remove(name: .setCookie)
            headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return Entry(
                status: response.status, headers: headers, parts: texts.map { ByteBuffer(string: $0) }, etag: nil,
                storedAt: now, byteCount: buffer.readableBytes, routePattern: routePattern, onServe: response.pageCacheOnServe
            )
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// The first 24 hex digits of the page's SHA-256.
    static func shortDigest(_ buffer: ByteBuffer) -> String {
        var hex: [UInt8] = []
        hex.reserveCapacity(24)
        for byte in SHA256.hash(data: buffer.readableBytesView) where hex.count < 24 {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// `If-None-Match` (a list, weak comparison, or `*`) against `etag`.
    static func matches(_ etag: String, anyOf conditions: String) -> Bool {
        // Optional whitespace around each entry is a space or a tab (RFC 9110 § 5.6.3).
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return conditions.split(separator: ",").contains { candidate in
            guard let first = candidate.firstIndex(where: { !isBlank($0) }),
                  let last = candidate.lastIndex(where: { !isBlank($0) }) else { return false }
            let trimmed = candidate[first...last]
            return trimmed == "*" || (trimmed.hasPrefix("W/") ? trimmed.dropFirst(2) : trimmed) == etag[...]
        }
    }
}

extension PageCache.Entry {
    /// This page as the answer to `request`: a 304 when the visitor's validator matches, the
    /// visitor's own CSRF token in the hole.
    func response(to request: Request, cookieNames: CookieNames) -> Response {
        if let etag, let conditions = request.headers.first(name: .ifNoneMatch), PageCache.matches(etag, anyOf: conditions) {
            var notModified = headers
            notModified.remove(name: .contentType)
            notModified.remove(name: .contentLength)
            return Response(status: .notModified, headers: notModified)
        }
        guard hasTokenHole else {
            return Response(status: status, headers: headers, body: .init(buffer: parts[0]))
        }
        let existing = request.cookie(cookieNames.csrf)
        let token: String
        var issued = false
        if let existing, CSRFMiddleware.isWellFormedToken(existing) {
            token = existing
        } else {
            token = request.portier.random.makeToken()
            issued = true
        }
        request.csrfToken = token
        var body = ByteBufferAllocator().buffer(capacity: byteCount + token.utf8.count * parts.count)
        for (index, part) in parts.enumerated() {
            if index > 0 { body.writeString(token) }
            body.writeImmutableBuffer(part)
        }
        let response = Response(status: status, headers: headers, body: .init(buffer: body))
        if issued {
            response.cookies[cookieNames.csrf] = cookieNames.makeCookie(value: token)
        }
        return response
    }
}

extension Route {
    private static let pageSharingKey = AnySendableHashable("portier.page-cache.sharing")

    /// How `PageCache` may keep this route's answers; nil: never.
    var pageSharing: PageCache.Sharing? {
        userInfo[Self.pageSharingKey] as? PageCache.Sharing
    }

    /// This route shows the same page to every visitor without a session (no per-visitor content,
    /// no CSRF token): `PageCache` keeps it and `CSRFMiddleware` issues no token for it.
    /// `languageFromAddress`: the page's language comes from its address, not the visitor.
    @discardableResult
    func sharedWithVisitorsWithoutSession(languageFromAddress: Bool = false) -> Route {
        userInfo[Self.pageSharingKey] = PageCache.Sharing.shared(languageFromAddress: languageFromAddress)
        return self
    }

    /// This route's page is the same for every visitor without a session apart from the CSRF
    /// token of its form: `PageCache` keeps it with a hole for the token.
    @discardableResult
    func sharedWithCSRFTokenHole() -> Route {
        userInfo[Self.pageSharingKey] = PageCache.Sharing.csrfTokenHole
        return self
    }
}

extension Response {
    private struct KeptOutKey: StorageKey { typealias Value = Bool }
    private struct OnServeKey: StorageKey { typealias Value = @Sendable (Application) -> Void }

    /// Set by a handler whose answer on a shared route must not be kept this time (a search that
    /// found nothing is counted each time it is asked).
    var isKeptOutOfPageCache: Bool {
        get { storage[KeptOutKey.self] ?? false }
        set { storage[KeptOutKey.self] = newValue }
    }

    /// What `PageCache` runs each time it answers with this page from memory.
    var pageCacheOnServe: (@Sendable (Application) -> Void)? {
        get { storage[OnServeKey.self] }
        set { storage[OnServeKey.self] = newValue }
    }
}

extension Application {
    private struct PageCacheKey: StorageKey { typealias Value = PageCache }

    /// Set up by `configure` before any request.
    var pageCache: PageCache {
        get {
            guard let cache = storage[PageCacheKey.self] else { fatalError("configure(_:) sets up the page cache (app.pageCache)") }
            return cache
        }
        set { storage[PageCacheKey.self] = newValue }
    }
}
