import Foundation
import Testing
import VaporTesting
@testable import Portier

/// The JSON behind the search box's suggestions (`help-search.js`).
@Suite("Help center: suggestions while typing")
struct HelpSuggestionsTests {
    struct Body: Decodable {
        struct Suggestion: Decodable {
            let title: String
            let url: String
            let category: String
        }

        let query: String
        let results: [Suggestion]
    }

    @Test("Up to five guide titles as JSON, shareable for a minute, without a cookie")
    func shape() async throws {
        try await withPortierApp { context in
            let folder = try GuideFolder.sample()
            for number in 1...6 {
                try folder.guide("losenord-\(number)", in: "inloggning-och-kontaktuppgifter", title: "Lösenord, fråga \(number)", body: "Om lösenord.\n", order: 10 + number)
            }
            try await context.importGuides(folder)

            let response = try await TestBrowser(app: context.app).get(SitePath.helpSuggestions.path + "?q=losenord&lang=sv")

            #expect(response.status == .ok)
            #expect(response.headers.contentType == .json)
            #expect(response.headers.first(name: .cacheControl) == "public, max-age=60")
            #expect(response.headers.setCookie == nil)
            #expect(!response.headers.contains(name: .setCookie))
            #expect(response.headers.first(name: .vary) == nil)
            let body = try JSONDecoder().decode(Body.self, from: Data(response.body.readableBytesView))
            #expect(body.query == "losenord")
            #expect(body.results.count == 5)
            #expect(body.results.allSatisfy { $0.url.hasPrefix("/hjalp/") && !$0.title.isEmpty && !$0.category.isEmpty })
            #expect(body.results.filter { $0.title.hasPrefix("Lösenord, fråga") }.count >= 4)
        }
    }

    @Test("The last word is completed as the visitor types it")
    func completion() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())

            let response = try await TestBrowser(app: context.app).get(SitePath.helpSuggestions.path + "?q=dom&lang=sv")

            let body = try JSONDecoder().decode(Body.self, from: Data(response.body.readableBytesView))
            #expect(body.results.map(\.title) == ["Se dina domäner"])
            #expect(body.results.first?.category == "Domäner")
        }
    }

    @Test("Nothing below two letters", arguments: ["", "l", "%20l%20", "%C3%B6", "l!", "%3Cl%3E"])
    func minimum(query: String) async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())

            let response = try await TestBrowser(app: context.app).get(SitePath.helpSuggestions.path + "?q=\(query)&lang=sv")

            #expect(response.status == .ok)
            let body = try JSONDecoder().decode(Body.self, from: Data(response.body.readableBytesView))
            #expect(body.results.isEmpty)
        }
    }

    @Test("Two letters are enough")
    func twoLetters() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())

            let response = try await TestBrowser(app: context.app).get(SitePath.helpSuggestions.path + "?q=l%C3%B6&lang=sv")

            let body = try JSONDecoder().decode(Body.self, from: Data(response.body.readableBytesView))
            #expect(body.results.contains { $0.title == "Jag har glömt mitt lösenord" })
            #expect(body.results.count <= 5)
        }
    }

    @Test("Without lang the visitor's language decides, and the answer says it varies with it")
    func languageFromVisitor() async throws {
        try await withPortierApp { context in
            let folder = try GuideFolder.sample()
            try folder.category("konto", title: "Account", language: "en")
            try folder.guide("forgot-your-password", in: "konto", title: "Forgot your password?", body: "Choose a new password.\n", language: "en")
            try await context.importGuides(folder)
            let browser = TestBrowser(app: context.app)
            browser.setCookie(Language.cookieName, "en")

            let response = try await browser.get(SitePath.helpSuggestions.path + "?q=passw")

            #expect(response.headers.first(name: .vary) == "Cookie, Accept-Language")
            let body = try JSONDecoder().decode(Body.self, from: Data(response.body.readableBytesView))
            #expect(!body.results.isEmpty)
            #expect(body.results.map(\.url) == ["/hjalp/konto/forgot-your-password"])
        }
    }
}
