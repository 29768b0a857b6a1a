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

            let results = try await HelpSearch(database: context.app.db).results(for: query, language: .swedish)

            #expect(results.first?.title == "Jag har glömt mitt lösenord")
        }
    }

    @Test("domänen finds the guide about domäner")
    func domainForms() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())

            let results = try await HelpSearch(database: context.app.db).results(for: "domänen", language: .swedish)

            #expect(results.map(\.title) == ["Se dina domäner"])
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

            let results = try await HelpSearch(database: context.app.db).results(for: "fakturor", language: .swedish)

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
}
