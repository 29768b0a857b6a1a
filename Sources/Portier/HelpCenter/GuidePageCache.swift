import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Rendered guide pages kept in memory: a page is rendered once per content change and logged-in
/// state, then served as it is to visitors who are not logged in (the page holds no token, so
/// browsers and shared caches may keep it) or joined around a logged-in customer's CSRF token.
///
/// It also remembers which guide a path names (its id and content hash) for
/// `lookupLifetime`, so a page served from memory needs no database round trip; a guide changed
/// by another process (`portier guides import`, another instance) shows within that time.
final class GuidePageCache: Sendable {
    /// A guide's page is in the guide's own language, so the guide and the login state name it.
    struct Key: Hashable {
        let guideID: UUID
        let isLoggedIn: Bool
    }

    /// A guide as its path names it, as of `checkedAt`.
    struct KnownGuide {
        let guideID: UUID
        let language: Language
        let contentHash: String
        let checkedAt: NIODeadline
    }

    /// A page ready to send: the body with the visitor's token, and its validators (sent only
    /// with pages that carry no token, so they describe the content alone).
    struct Page {
        let body: ByteBuffer
        /// Strong: a shortened SHA-256 of the rendered page.
        let etag: String
        /// When this page was rendered (an HTTP date).
        let lastModified: String
    }

    private struct Entry {
        let contentHash: String
        let page: TokenizedPage
        let etag: String
        let lastModified: String

        func page(with token: String) -> Page {
            Page(body: page.body(with: token), etag: etag, lastModified: lastModified)
        }
    }

    private struct PathKey: Hashable {
        let category: String
        let slug: String
    }

    /// How long a path → guide look-up is trusted without asking the database again.
    static let lookupLifetime = TimeAmount.seconds(2)

    private let entries = NIOLockedValueBox<[Key: Entry]>([:])
    private let known = NIOLockedValueBox<[PathKey: KnownGuide]>([:])

    /// The cached page for this content, with `token` in the token's places.
    func page(for key: Key, contentHash: String, token: String) -> Page? {
        guard let entry = entries.withLockedValue({ $0[key] }), entry.contentHash == contentHash else { return nil }
        return entry.page(with: token)
    }

    /// Keeps a page rendered with `TokenizedPage.placeholder` as its token (or none) and returns
    /// it with `token` in the token's places.
    func store(_ html: String, for key: Key, contentHash: String, token: String, renderedAt: Date = Date()) -> Page {
        let entry = Entry(
            contentHash: contentHash,
            page: TokenizedPage(html: html),
            etag: #""\#(Self.shortDigest(html, length: 24))""#,
            lastModified: HTTPHeaders.LastModified(renderedAt).serialize()
        )
        entries.withLockedValue { $0[key] = entry }
        return entry.page(with: token)
    }

    /// The guide at this path, when it was looked up less than `lookupLifetime` ago.
    func knownGuide(category: String, slug: String, now: NIODeadline = .now()) -> KnownGuide? {
        guard let guide = known.withLockedValue({ $0[PathKey(category: category, slug: slug)] }),
              now - guide.checkedAt < Self.lookupLifetime else { return nil }
        return guide
    }

    func remember(category: String, slug: String, guideID: UUID, language: Language, contentHash: String, now: NIODeadline = .now()) {
        let guide = KnownGuide(guideID: guideID, language: language, contentHash: contentHash, checkedAt: now)
        known.withLockedValue { $0[PathKey(category: category, slug: slug)] = guide }
    }

    func forget(category: String, slug: String) {
        _ = known.withLockedValue { $0.removeValue(forKey: PathKey(category: category, slug: slug)) }
    }

    func removeAll() {
        entries.withLockedValue { $0 = [:] }
        known.withLockedValue { $0 = [:] }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// The first `length` hex digits of SHA-256(`text`).
    private static func shortDigest(_ text: String, length: Int) -> String {
        var hex: [UInt8] = []
        hex.reserveCapacity(length + 1)
        for byte in SHA256.hash(data: Array(text.utf8)) where hex.count < length {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: hex.prefix(length), as: UTF8.self)
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
