import Fluent
import Foundation
import NIOCore
import Testing
import VaporTesting
@testable import Portier

/// Guide pages carry validators for the visitor's browser and a reverse proxy (from `PageCache`,
/// whose own rules are in PageCacheTests). None of this may weaken CSRF.
@Suite("Help center: page validators")
struct GuidePageCachingTests {
    static let path = "/hjalp/domaner/se-dina-domaner"

    @Test("A guide page has an ETag, Last-Modified and a Cache-Control a reverse proxy may keep; browsers revalidate with 304")
    func revalidation() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let browser = TestBrowser(app: context.app)
            let first = try await browser.get(Self.path)
            let etag = try #require(first.headers.first(name: .eTag))

            let second = try await browser.get(Self.path, headers: ["If-None-Match": etag])

            #expect(first.status == .ok)
            #expect(first.headers.first(name: .cacheControl) == "public, max-age=0, s-maxage=60, must-revalidate")
            #expect(first.headers.first(name: .lastModified) != nil)
            #expect(first.headers.first(name: .vary) == nil)
            #expect(first.headers.setCookie == nil)
            #expect(second.status == .notModified)
            #expect(second.body.readableBytes == 0)
            #expect(second.headers.first(name: .eTag) == etag)
            #expect(try await browser.get(Self.path, headers: ["If-None-Match": #"W/"x", "# + etag]).status == .notModified)
        }
    }

    @Test("Every visitor who is not logged in shares the ETag; a logged-in customer never gets a 304 for it")
    func etagShared() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            try await Fixtures.customer(context.app)
            let one = TestBrowser(app: context.app), two = TestBrowser(app: context.app)
            let etagOne = try #require(try await one.get(Self.path).headers.first(name: .eTag))
            two.setCookie("portier_csrf", "another-visitors-token")

            let shared = try await two.get(Self.path, headers: ["If-None-Match": etagOne])
            try await one.logIn(email: "kund@example.se", password: Fixtures.password)
            let loggedIn = try await one.get(Self.path, headers: ["If-None-Match": etagOne])

            #expect(shared.status == .notModified)
            #expect(loggedIn.status == .ok)
            #expect(loggedIn.headers.first(name: .cacheControl) == "no-store")
            #expect(loggedIn.body.string.contains(#"class="button account-link""#))
            #expect(!shared.headers.contains(name: .setCookie))
        }
    }

    @Test("New content gets a new ETag")
    func etagPerContent() async throws {
        try await withPortierApp { context in
            let folder = try GuideFolder.sample()
            try await context.importGuides(folder)
            let browser = TestBrowser(app: context.app)
            let before = try #require(try await browser.get(Self.path).headers.first(name: .eTag))
            try folder.guide("se-dina-domaner", in: "domaner", title: "Se dina domäner", body: "Helt ny text om domäner.\n", keywords: "domän")
            try await context.importGuides(folder)

            let after = try await browser.get(Self.path, headers: ["If-None-Match": before])

            #expect(after.status == .ok)
            #expect(after.body.string.contains("Helt ny text om domäner."))
            #expect(after.headers.first(name: .eTag) != before)
        }
    }

    @Test("A logged-in visitor's guide page is never stored and has no validators")
    func loggedIn() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)

            let response = try await browser.get(Self.path)

            #expect(response.status == .ok)
            #expect(response.headers.first(name: .cacheControl) == "no-store")
            #expect(response.headers.first(name: .eTag) == nil)
        }
    }

    @Test("The views loop is stopped and waited for at shutdown, then the last views are stored")
    func viewsLifecycle() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let guide = try #require(try await Guide.query(on: context.app.db).filter(\.$slug == "se-dina-domaner").first())
            let lifecycle = GuideViewCounterLifecycle()

            try await lifecycle.didBootAsync(context.app)
            let started = lifecycle.task.withLockedValue { $0 != nil }
            context.app.guideViewCounter.record(try guide.requireID())
            await lifecycle.shutdownAsync(context.app)

            #expect(started)
            #expect(lifecycle.task.withLockedValue { $0 == nil })
            let stored = try #require(try await Guide.find(guide.id, on: context.app.db))
            #expect(stored.viewCount == 1)
        }
    }

    @Test("Search pages carry no token and set no cookie for visitors without a session; a logged-in customer's carry theirs")
    func searchTokens() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            try await Fixtures.customer(context.app)
            let anonymous = TestBrowser(app: context.app), customer = TestBrowser(app: context.app)
            try await customer.logIn(email: "kund@example.se", password: Fixtures.password)

            let shared = try await anonymous.get("/hjalp/sok?q=l%C3%B6senord")
            let own = try await customer.get("/hjalp/sok?q=l%C3%B6senord")

            #expect(shared.body.string.contains("Jag har glömt mitt lösenord"))
            #expect(shared.headers.setCookie == nil)
            #expect(anonymous.csrfToken == nil)
            #expect(own.body.string.contains("Jag har glömt mitt lösenord"))
            #expect(customer.csrfToken == customer.cookies["portier_csrf"])
            #expect(own.headers.first(name: .cacheControl) == "no-store")
        }
    }
}

extension TestBrowser {
    /// A GET with extra request headers (conditional requests) and the browser's cookies; it
    /// leaves the browser's cookies and last page as they were.
    func get(_ path: String, headers extra: HTTPHeaders) async throws -> TestingHTTPResponse {
        var headers = extra
        headers.add(name: .userAgent, value: userAgent)
        if !cookies.isEmpty {
            headers.add(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        return try await app.testing().sendRequest(.GET, path, headers: headers)
    }
}
