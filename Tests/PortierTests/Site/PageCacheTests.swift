import Fluent
import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting
@testable import Portier

/// The one page cache in front of routing (Site/PageCache.swift): what it keeps, for whom, how
/// long, and when it lets go.
@Suite("Page cache")
struct PageCacheTests {
    static let guidePath = "/hjalp/domaner/se-dina-domaner"
    /// Every shared page of the site, with and without a query.
    static let sharedPaths = ["/", "/kontakt", "/hjalp", "/hjalp/domaner", guidePath, "/hjalp/sok?q=l%C3%B6senord"]
    static let loggedInMarker = #"class="button account-link""#

    @Test("A logged-in customer's page never reaches an anonymous visitor of the same URL, nor the reverse", arguments: sharedPaths)
    func neverSharesSessions(path: String) async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            try await Fixtures.customer(context.app)
            let customer = TestBrowser(app: context.app), anonymous = TestBrowser(app: context.app), later = TestBrowser(app: context.app)
            try await customer.logIn(email: "kund@example.se", password: Fixtures.password)

            // Logged in first, then anonymous.
            let own = try await customer.get(path)
            let shared = try await anonymous.get(path)
            // Anonymous (now kept), then logged in, then anonymous again from memory.
            let ownAgain = try await customer.get(path)
            let fromMemory = try await later.get(path)

            #expect(own.status == .ok && shared.status == .ok && ownAgain.status == .ok && fromMemory.status == .ok)
            for page in [own, ownAgain] {
                #expect(page.body.string.contains(Self.loggedInMarker))
                #expect(page.headers.first(name: .cacheControl) == "no-store")
                #expect(page.headers.first(name: .eTag) == nil)
            }
            #expect(ownAgain.body.string.contains(#"name="csrf_token" value="\#(customer.cookies["portier_csrf"] ?? "-")""#))
            for page in [shared, fromMemory] {
                #expect(!page.body.string.contains(Self.loggedInMarker))
                #expect(!page.body.string.contains("Karin Kund"))
                #expect(!page.body.string.contains("csrf_token"))
                #expect(page.headers.setCookie == nil)
                #expect(page.headers.first(name: .cacheControl) == "public, max-age=0, s-maxage=60, must-revalidate")
            }
            #expect(shared.body.string == fromMemory.body.string)
        }
    }

    @Test("A request with any session cookie is never answered from memory, even one that opens no session")
    func sessionCookieBypasses() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let anonymous = TestBrowser(app: context.app), stale = TestBrowser(app: context.app)
            try await anonymous.get("/hjalp")
            stale.setCookie("portier_session", "no-such-session")

            let answer = try await stale.get("/hjalp")

            #expect(answer.status == .ok)
            #expect(answer.headers.first(name: .cacheControl) == "no-store")
            #expect(answer.headers.first(name: .eTag) == nil)
        }
    }

    @Test("`portier guides import` clears the kept pages")
    func invalidatedByImport() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let browser = TestBrowser(app: context.app)
            let before = try await browser.get("/hjalp")
            #expect(!before.body.string.contains("Fakturor &amp; betalning"))
            #expect(context.app.pageCache.count == 1)

            let console = RecordingConsole()
            var command = CommandContext(console: console, input: CommandInput(arguments: ["portier", "import"]))
            command.application = context.app
            try await GuidesCommand().run(using: &command)
            let after = try await browser.get("/hjalp")

            #expect(after.body.string.contains("Fakturor &amp; betalning"))
            #expect(after.headers.first(name: .eTag) != before.headers.first(name: .eTag))
        }
    }

    @Test("A change the cache cannot see shows after the expiry (AppClock time), and at once after the refresher notices it")
    func expiryAndRefresher() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let browser = TestBrowser(app: context.app)
            try await browser.get(Self.guidePath)
            let guide = try #require(try await Guide.query(on: context.app.db).filter(\.$slug == "se-dina-domaner").first())
            guide.title = "Dina domäner, ny rubrik"
            try await guide.update(on: context.app.db)

            let kept = try await browser.get(Self.guidePath)
            context.clock.advance(by: context.app.pageCache.lifetime - 1)
            let stillKept = try await browser.get(Self.guidePath)
            context.clock.advance(by: 1)
            let expired = try await browser.get(Self.guidePath)

            #expect(!kept.body.string.contains("Dina domäner, ny rubrik"))
            #expect(!stillKept.body.string.contains("Dina domäner, ny rubrik"))
            #expect(expired.body.string.contains("Dina domäner, ny rubrik"))

            // Another instance changes the guide: this instance's refresher sees the new
            // fingerprint, rebuilds its search index and clears its pages.
            guide.title = "Domänerna, tredje rubriken"
            guide.contentHash = "changed-elsewhere"
            try await guide.update(on: context.app.db)
            try await GuideSearchRefresher.check(context.app)
            let refreshed = try await browser.get(Self.guidePath)
            #expect(refreshed.body.string.contains("Domänerna, tredje rubriken"))
        }
    }

    @Test("If-None-Match with the page's ETag gets a 304 from memory, on every shared page", arguments: sharedPaths)
    func notModified(path: String) async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let browser = TestBrowser(app: context.app)
            let first = try await browser.get(path)
            let etag = try #require(first.headers.first(name: .eTag))

            let revalidated = try await browser.get(path, headers: ["If-None-Match": etag])
            let other = try await browser.get(path, headers: ["If-None-Match": #""0000""#])

            #expect(revalidated.status == .notModified)
            #expect(revalidated.body.readableBytes == 0)
            #expect(revalidated.headers.first(name: .eTag) == etag)
            #expect(revalidated.headers.first(name: "Content-Security-Policy") != nil)
            #expect(other.status == .ok)
            #expect(other.body.string == first.body.string)
        }
    }

    @Test("Pages in the visitor's language vary by language; a guide page's language is its address's")
    func languageInKey() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let swedish = TestBrowser(app: context.app), english = TestBrowser(app: context.app)
            english.setCookie(Language.cookieName, "en")

            let sv = try await swedish.get("/hjalp")
            let en = try await english.get("/hjalp")
            let guide = try await english.get(Self.guidePath)

            #expect(sv.body.string.contains(#"<html lang="sv""#))
            #expect(en.body.string.contains(#"<html lang="en""#))
            #expect(sv.headers.first(name: .vary) == "Cookie, Accept-Language")
            #expect(guide.headers.first(name: .vary) == nil)
            #expect(guide.body.string.contains(#"<html lang="sv""#))
        }
    }

    @Test("The login and forgot-password pages are kept with a hole for each visitor's own CSRF token", arguments: ["/logga-in", "/glomt-losenord"])
    func tokenHole(path: String) async throws {
        try await withPortierApp { context in
            let one = TestBrowser(app: context.app), two = TestBrowser(app: context.app), returning = TestBrowser(app: context.app)
            let forged = TestBrowser(app: context.app)
            returning.setCookie("portier_csrf", "returning-visitors-token-0123456789")
            forged.setCookie("portier_csrf", #"x"><script>alert(1)</script>"#)

            let first = try await one.get(path)
            let second = try await two.get(path)
            let third = try await returning.get(path)
            let fourth = try await forged.get(path)

            #expect(context.app.pageCache.count == 1)
            for (browser, page) in [(one, first), (two, second), (returning, third), (forged, fourth)] {
                #expect(page.status == .ok)
                #expect(page.headers.first(name: .cacheControl) == "no-store")
                #expect(page.headers.first(name: .eTag) == nil)
                #expect(browser.csrfToken != nil)
                #expect(browser.csrfToken == browser.cookies["portier_csrf"])
            }
            #expect(one.csrfToken != two.csrfToken)
            #expect(returning.csrfToken == "returning-visitors-token-0123456789")
            #expect(third.headers.setCookie == nil)
            #expect(!fourth.body.string.contains("<script>alert"))
            #expect(first.body.string.replacingOccurrences(of: one.csrfToken ?? "-", with: "T") == second.body.string.replacingOccurrences(of: two.csrfToken ?? "-", with: "T"))
        }
    }

    @Test("The page from memory counts guide views, 304s included")
    func viewsCounted() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let browser = TestBrowser(app: context.app)
            let etag = try #require(try await browser.get(Self.guidePath).headers.first(name: .eTag))
            try await browser.get(Self.guidePath)
            try await browser.get(Self.guidePath, headers: ["If-None-Match": etag])
            try await context.app.guideViewCounter.flush(on: context.app.db)

            let guide = try #require(try await Guide.query(on: context.app.db).filter(\.$slug == "se-dina-domaner").first())
            #expect(guide.viewCount == 3)
        }
    }

    @Test("The size bound drops the oldest pages first and never keeps a page larger than the bound")
    func sizeBound() {
        let cache = PageCache(maxBytes: 250, lifetime: 60)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        func key(_ path: String) -> PageCache.Key { .init(path: path, query: nil, language: .swedish) }

        for index in 0..<3 {
            cache.store(Self.entry(bytes: 100, at: start + TimeInterval(index)), for: key("/\(index)"))
        }
        cache.store(Self.entry(bytes: 300, at: start + 10), for: key("/large"))

        #expect(cache.entry(for: key("/0"), now: start + 20) == nil)
        #expect(cache.entry(for: key("/1"), now: start + 20) != nil)
        #expect(cache.entry(for: key("/2"), now: start + 20) != nil)
        #expect(cache.entry(for: key("/large"), now: start + 20) == nil)
        #expect(cache.byteCount == 200)
        #expect(cache.entry(for: key("/1"), now: start + 61) == nil)
        #expect(cache.byteCount == 100)
    }

    static func entry(bytes: Int, at date: Date) -> PageCache.Entry {
        PageCache.Entry(
            status: .ok, headers: [:], parts: [ByteBuffer(repeating: UInt8(ascii: "x"), count: bytes)], etag: #""e""#,
            storedAt: date, byteCount: bytes, routePattern: "GET /test", onServe: nil
        )
    }

    @Test("If-None-Match: a list, weak validators, * and blanks around entries; a mere prefix or a blank list never matches")
    func ifNoneMatchLists() {
        let etag = #""abc""#
        for matching in [etag, "W/\(etag)", "*", #""x", "abc""#, #" "x" ,\#t\#(etag)\#t"#, #"W/"x", W/"abc""#, " * "] {
            #expect(PageCache.matches(etag, anyOf: matching), "\(matching)")
        }
        for other in ["", " ", ",", #""abcd""#, #""ab""#, "abc", #"w/"abc""#, #"W/ "abc""#, #""x", "y""#] {
            #expect(!PageCache.matches(etag, anyOf: other), "\(other)")
        }
    }

    @Test("A search that finds nothing is never kept, so each one is counted")
    func unansweredSearchesCounted() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let browser = TestBrowser(app: context.app)
            try await browser.get("/hjalp/sok?q=xylofon")
            try await browser.get("/hjalp/sok?q=xylofon")

            let unanswered = try #require(try await UnansweredSearch.query(on: context.app.db).filter(\.$query == "xylofon").first())
            #expect(unanswered.searchCount == 2)
            #expect(context.app.pageCache.count == 0)
        }
    }
}
