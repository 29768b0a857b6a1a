import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Portier

@Suite("Help center: pages, feedback, related guides")
struct HelpCenterPageTests {
    @Test("A guide page has breadcrumbs, numbered steps and the three blocks")
    func guidePage() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())

            let response = try await TestBrowser(app: context.app).get("/hjalp/inloggning-och-kontaktuppgifter/hur-loggar-jag-in-pa-kundavdelningen")

            #expect(response.status == .ok)
            let body = response.body.string
            let home = try #require(body.range(of: #"<a href="/hjalp">Hem</a>"#))
            let category = try #require(body.range(of: #"<a href="/hjalp/inloggning-och-kontaktuppgifter">Inloggning &amp; kontaktuppgifter</a>"#))
            let current = try #require(body.range(of: #"<span aria-current="page">Hur loggar jag in på Kundavdelningen?</span>"#))
            #expect(home.upperBound < category.lowerBound && category.upperBound < current.lowerBound)
            #expect(body.contains("<ol><li>Klicka på <strong>Logga in</strong>"))
            #expect(body.contains("Hjälpte den här guiden dig?"))
            #expect(body.contains("Relaterade guider"))
            #expect(body.contains("Behöver du mer hjälp?"))
            #expect(body.contains("Senast uppdaterad 2026-11-26"))
        }
    }

    @Test("Category and start pages list guides; unknown ones are 404")
    func listing() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let browser = TestBrowser(app: context.app)

            let start = try await browser.get("/hjalp")
            let category = try await browser.get("/hjalp/domaner")

            #expect(start.body.string.contains("Inloggning &amp; kontaktuppgifter"))
            #expect(start.body.string.contains("Mest lästa guider"))
            #expect(category.body.string.contains("Se dina domäner"))
            #expect(try await browser.get("/hjalp/finns-inte").status == .notFound)
            #expect(try await browser.get("/hjalp/domaner/finns-inte").status == .notFound)
        }
    }

    @Test("Related guides: own list first, then same category, then shared keywords; never itself")
    func related() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let guides = try await Guide.query(on: context.app.db).all()
            let seed = try #require(guides.first { $0.slug == "hur-loggar-jag-in-pa-kundavdelningen" })

            let related = RelatedGuides.select(for: seed, among: guides).map(\.slug)

            #expect(related == ["glomt-losenord", "byt-e-postadress", "se-dina-domaner"])
            #expect(!related.contains(seed.slug))
        }
    }

    @Test("At most five related guides")
    func relatedLimit() async throws {
        try await withPortierApp { context in
            let folder = try GuideFolder()
            try folder.category("k", title: "K")
            for index in 0..<9 {
                try folder.guide("guide-\(index)", in: "k", title: "Guide \(index)", body: "Text \(index).\n", order: index)
            }
            try await context.importGuides(folder)
            let guides = try await Guide.query(on: context.app.db).all()

            #expect(RelatedGuides.select(for: guides[0], among: guides).count == 5)
        }
    }

    @Test("One vote per visitor and guide, changeable, with an optional comment on No")
    func voting() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let path = "/hjalp/inloggning-och-kontaktuppgifter/glomt-losenord"
            let first = TestBrowser(app: context.app)
            let second = TestBrowser(app: context.app)
            try await first.get(path)
            try await second.get(path)

            let voted = try await first.post(path + "/feedback", ["helpful": "nej"])
            let thanks = try await first.get(path + "?feedback=nej")
            try await first.post(path + "/feedback", ["helpful": "nej", "comment": "Hur gör jag om mailet inte kommer?"])
            try await second.post(path + "/feedback", ["helpful": "ja"])
            try await second.get(path)
            try await second.post(path + "/feedback", ["helpful": "ja"])

            #expect(voted.status == .seeOther)
            #expect(voted.headers.first(name: .location) == path + "?feedback=nej#feedback")
            #expect(thanks.body.string.contains("Vad saknades?"))
            let guide = try #require(try await Guide.query(on: context.app.db).filter(\.$slug == "glomt-losenord").first())
            #expect(guide.helpfulCount == 1)
            #expect(guide.notHelpfulCount == 1)
            let votes = try await GuideVote.query(on: context.app.db).all()
            #expect(votes.count == 2)
            #expect(votes.contains { $0.comment == "Hur gör jag om mailet inte kommer?" })

            try await first.get(path)
            try await first.post(path + "/feedback", ["helpful": "ja"])
            let changed = try #require(try await Guide.find(guide.id, on: context.app.db))
            #expect(changed.helpfulCount == 2)
            #expect(changed.notHelpfulCount == 0)
        }
    }

    @Test("Views are counted, also for pages served from the cache")
    func views() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let browser = TestBrowser(app: context.app)
            let path = "/hjalp/domaner/se-dina-domaner"

            let first = try await browser.get(path)
            let second = try await browser.get(path)
            try await context.app.guideViewCounter.flush(on: context.app.db)

            #expect(first.body.string == second.body.string)
            let guide = try #require(try await Guide.query(on: context.app.db).filter(\.$slug == "se-dina-domaner").first())
            #expect(guide.viewCount == 2)
        }
    }

    @Test("A guide page is the same for every visitor who is not logged in: no token, no cookie; a logged-in customer's carries theirs")
    func cachedPagePerVisitor() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            try await Fixtures.customer(context.app)
            let path = "/hjalp/domaner/se-dina-domaner"
            let one = TestBrowser(app: context.app), two = TestBrowser(app: context.app), customer = TestBrowser(app: context.app)
            try await two.get("/")  // two already has a CSRF cookie, one has none

            let first = try await one.get(path)
            let second = try await two.get(path)
            try await customer.logIn(email: "kund@example.se", password: Fixtures.password)
            let loggedIn = try await customer.get(path)

            #expect(first.body.string == second.body.string)
            #expect(!first.body.string.contains("csrf_token"))
            #expect(first.headers.setCookie == nil)
            #expect(one.cookies.isEmpty)
            #expect(loggedIn.body.string.contains(#"name="csrf_token" value="\#(customer.cookies["portier_csrf"] ?? "-")""#))
            #expect(try await one.post(path + "/feedback", ["helpful": "ja"]).status == .seeOther)
            #expect(try await customer.post(path + "/feedback", ["helpful": "ja"]).status == .seeOther)
        }
    }

    @Test("A guide page is in the guide's language; its language switch leads to the help center in the other language")
    func guideLanguage() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let browser = TestBrowser(app: context.app)
            browser.setCookie(Language.cookieName, "en")

            let page = try await browser.get("/hjalp/domaner/se-dina-domaner")

            #expect(page.body.string.contains(#"<html lang="sv">"#))
            #expect(page.body.string.contains(#"<input type="hidden" name="next" value="/hjalp">"#))
            #expect(try await browser.get("/hjalp").body.string.contains(#"<html lang="en">"#))
        }
    }

    @Test("Images are served from the guides folder, nothing else")
    func media() async throws {
        try await withPortierApp { context in
            let browser = TestBrowser(app: context.app)
            let traversal = try await browser.get("/hjalp/media/sv/x/images/..%2F..%2Fsecret.png")
            #expect(traversal.status == .notFound || traversal.status == .forbidden)
            #expect(try await browser.get("/hjalp/media/sv/inloggning-och-kontaktuppgifter/images/nope.exe").status == .notFound)
        }
    }
}
