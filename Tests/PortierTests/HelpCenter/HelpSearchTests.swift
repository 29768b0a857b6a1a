import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Portier

@Suite("Help center: search")
struct HelpSearchTests {
    @Test("Swedish word forms find each other", arguments: ["lösenordet", "lösenorden", "lösenord", "Lösenordet"])
    func passwordForms(query: String) async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())

            let results = try await HelpSearch(database: context.app.db, engine: context.app.guideSearchEngine).results(for: query, language: .swedish)

            #expect(results.first?.title == "Jag har glömt mitt lösenord")
        }
    }

    @Test("domänen finds the guide about domäner")
    func domainForms() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())

            let results = try await HelpSearch(database: context.app.db, engine: context.app.guideSearchEngine).results(for: "domänen", language: .swedish)

            #expect(results.map(\.title) == ["Se dina domäner"])
        }
    }

    /// Cases from tests/search/relevance.sv.tsv, through the whole app; one app for all of them,
    /// because building the index of the bundled guides is the expensive part in a debug build.
    static let forgivingQueries: [(query: String, slugs: [String])] = [
        ("losenord", ["glomt-losenord", "byt-losenord", "losenord-till-e-post"]),
        ("lösenorded", ["glomt-losenord", "byt-losenord", "losenord-till-e-post"]),
        ("kontrolpanel", ["logga-in-i-kontrollpanelen"]),
        ("inlogning", ["hur-loggar-jag-in-pa-kundavdelningen"]),
        ("e-postadressbyte", ["byt-e-postadress"]),
        ("domänförnyelse", ["se-dina-domaner"]),
        ("cpanel", ["logga-in-i-kontrollpanelen"]),
        ("byta mejladress", ["byt-e-postadress"]),
    ]

    @Test("What customers type (typos, no å ä ö, compounds, synonyms) finds the right guide through /hjalp/sok")
    func forgivingQueries() async throws {
        try await withPortierApp { context in
            try await importGuides(context.app)
            let browser = TestBrowser(app: context.app)

            for (query, slugs) in Self.forgivingQueries {
                let response = try await browser.get("/hjalp/sok?q=" + query.urlQueryEncoded)

                #expect(response.status == .ok)
                let first = Self.resultPaths(response.body.string).first ?? "nothing"
                #expect(slugs.contains { first.hasSuffix("/" + $0) }, "\(query) → \(first)")
            }
        }
    }

    @Test("A guide in the other language is found when the reader's language has none")
    func otherLanguage() async throws {
        try await withPortierApp { context in
            let folder = try GuideFolder.sample()
            try folder.category("konto", title: "Account", language: "en")
            try folder.guide("forgot-your-password", in: "konto", title: "Forgot your password?", body: "Click **Forgot your password?** below the button.\n", language: "en")
            try await context.importGuides(folder)

            let results = try await HelpSearch(database: context.app.db, engine: context.app.guideSearchEngine).results(for: "forgot", language: .swedish)

            #expect(results.map(\.title) == ["Forgot your password?"])
        }
    }

    @Test("Snippets mark the words the search matched, whatever their form")
    func snippet() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())

            let results = try await HelpSearch(database: context.app.db, engine: context.app.guideSearchEngine).results(for: "losenordet", language: .swedish)

            #expect(results.first?.snippetHTML == "Klicka på Glömt ditt <mark>lösenord?</mark> under knappen. <mark>Lösenordet</mark> återställs via mail.")
        }
    }

    @Test("A search that finds nothing proposes the nearest search that does, and is still recorded")
    func didYouMean() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())

            let response = try await TestBrowser(app: context.app).get("/hjalp/sok?q=ls%C3%B6enrodd")

            let body = response.body.string
            #expect(response.status == .ok)
            #expect(Self.resultPaths(body).isEmpty)
            #expect(body.contains(#"Menade du <a href="/hjalp/sok?q=l%C3%B6senord">lösenord</a>?"#))
            let recorded = try await UnansweredSearch.query(on: context.app.db).all()
            #expect(recorded.map(\.query) == ["lsöenrodd"])
            let proposed = try await TestBrowser(app: context.app).get("/hjalp/sok?q=l%C3%B6senord")
            #expect(Self.resultPaths(proposed.body.string).first == "/hjalp/inloggning-och-kontaktuppgifter/glomt-losenord")
        }
    }

    @Test("In English the proposal says Did you mean")
    func didYouMeanInEnglish() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let browser = TestBrowser(app: context.app)
            browser.setCookie(Language.cookieName, "en")

            let body = try await browser.get("/hjalp/sok?q=ls%C3%B6enrodd").body.string

            #expect(body.contains(#"Did you mean <a href="/hjalp/sok?q=l%C3%B6senord">lösenord</a>?"#))
        }
    }

    @Test("Titles weigh more than bodies")
    func titleWeight() async throws {
        try await withPortierApp { context in
            let folder = try GuideFolder()
            try folder.category("k", title: "K")
            try folder.guide("i-texten", in: "k", title: "Allmänt om kontot", body: "Här nämns fakturor en gång bland mycket annat om kontot och tjänsterna.\n")
            try folder.guide("i-titeln", in: "k", title: "Fakturor", body: "Allt om hur du hittar det du söker bland mycket annat.\n", order: 2)
            try await context.importGuides(folder)

            let results = try await HelpSearch(database: context.app.db, engine: context.app.guideSearchEngine).results(for: "fakturor", language: .swedish)

            #expect(results.map(\.title) == ["Fakturor", "Allmänt om kontot"])
        }
    }

    @Test("The search page highlights the match, escapes the rest, and the URL is shareable")
    func searchPage() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())

            let response = try await TestBrowser(app: context.app).get("/hjalp/sok?q=l%C3%B6senordet")

            let body = response.body.string
            #expect(response.status == .ok)
            #expect(body.contains(#"<a href="/hjalp/inloggning-och-kontaktuppgifter/glomt-losenord">Jag har glömt mitt lösenord</a>"#))
            #expect(body.contains("<mark>Lösenordet</mark>"))
            #expect(body.contains(#"value="lösenordet""#))
        }
    }

    @Test("Queries cannot inject markup or search syntax")
    func hostileQuery() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())

            let response = try await TestBrowser(app: context.app).get("/hjalp/sok?q=%22%3Cscript%3E%20OR%20*%20NEAR(")

            #expect(response.status == .ok)
            #expect(!response.body.string.contains("<script>"))
        }
    }

    @Test("Searches without a result are recorded and reported")
    func unanswered() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let browser = TestBrowser(app: context.app)

            try await browser.get("/hjalp/sok?q=dnssec")
            try await browser.get("/hjalp/sok?q=DNSSEC")
            try await browser.get("/hjalp/sok?q=l%C3%B6senord")

            let recorded = try await UnansweredSearch.query(on: context.app.db).all()
            #expect(recorded.map(\.query) == ["dnssec"])
            #expect(recorded.first?.searchCount == 2)
            let report = try await GuideFeedbackReport(database: context.app.db, limit: 10).render()
            #expect(report.contains("2  [sv] dnssec"))
            #expect(report.contains("sv/glomt-losenord"))
        }
    }

    /// The guide links of a results page, in order.
    static func resultPaths(_ html: String) -> [String] {
        guard let list = html.range(of: #"<ol class="search-results">"#) else { return [] }
        let rest = html[list.upperBound...]
        let end = rest.range(of: "</ol>")?.lowerBound ?? rest.endIndex
        return rest[..<end].matches(of: /<h2><a href="([^"]+)">/).map { String($0.output.1) }
    }
}
