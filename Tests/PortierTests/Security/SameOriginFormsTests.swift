import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Portier

/// The two public forms on pages that shared caches keep (a guide's vote, the language switch)
/// carry no CSRF token; a POST there without one passes only when it comes from this site.
@Suite("CSRF: public forms checked by origin")
struct SameOriginFormsTests {
    static let feedback = "/hjalp/domaner/se-dina-domaner/feedback"

    /// A POST with only the given headers: no cookies, no token.
    func post(_ app: Application, _ path: String, _ body: String, headers extra: HTTPHeaders) async throws -> TestingHTTPResponse {
        var headers = extra
        headers.add(name: .contentType, value: "application/x-www-form-urlencoded")
        return try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: body))
    }

    @Test("A vote without a token passes from this site (Fetch Metadata or Origin) and is refused from anywhere else", arguments: [
        (["Sec-Fetch-Site": "same-origin"], true),
        (["Origin": "http://127.0.0.1:8080"], true),
        (["Origin": "HTTP://127.0.0.1:8080"], true),
        (["Sec-Fetch-Site": "cross-site", "Origin": "http://127.0.0.1:8080"], false),
        (["Sec-Fetch-Site": "same-site"], false),
        (["Origin": "https://evil.example"], false),
        (["Origin": "http://127.0.0.1:8081"], false),
        (["Origin": "null"], false),
        ([:], false),
    ] as [([String: String], Bool)])
    func vote(headers: [String: String], accepted: Bool) async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())

            let response = try await post(context.app, Self.feedback, "helpful=ja", headers: HTTPHeaders(headers.map { ($0.key, $0.value) }))

            #expect(response.status == (accepted ? .seeOther : .forbidden))
            let votes = try await Guide.query(on: context.app.db).all().map(\.helpfulCount).reduce(0, +)
            #expect(votes == (accepted ? 1 : 0))
        }
    }

    @Test("The language switch without a token passes from this site only")
    func languageSwitch() async throws {
        try await withPortierApp { context in
            let sameOrigin = try await post(context.app, "/sprak", "lang=en&next=/hjalp", headers: ["Sec-Fetch-Site": "same-origin"])
            let crossSite = try await post(context.app, "/sprak", "lang=en&next=/hjalp", headers: ["Sec-Fetch-Site": "cross-site"])

            #expect(sameOrigin.status == .seeOther)
            #expect(sameOrigin.headers.setCookie?[Language.cookieName]?.string == "en")
            #expect(crossSite.status == .forbidden)
        }
    }

    @Test("A visitor on a shared page (no token) starts a chat from this site only")
    func chatStart() async throws {
        try await withPortierApp { context in
            let body = "name=Vera&email=vera%40example.se"
            let sameOrigin = try await post(context.app, SitePath.chat.path, body, headers: ["Sec-Fetch-Site": "same-origin", "Accept": "application/json"])
            let crossSite = try await post(context.app, SitePath.chat.path, body, headers: ["Origin": "https://evil.example", "Accept": "application/json"])

            #expect(sameOrigin.status == .created)
            #expect(crossSite.status == .forbidden)
            #expect(try await Chat.query(on: context.app.db).count() == 1)
        }
    }

    @Test("Every other form still needs its token, whatever the browser says about the origin")
    func otherFormsNeedTheToken() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.get("/logga-in")

            let login = try await browser.post("/logga-in", ["email": "kund@example.se", "password": Fixtures.password], includeCSRF: false)
            let emptyToken = try await browser.post("/logga-in", ["email": "kund@example.se", "password": Fixtures.password, "csrf_token": ""])
            let bare = try await post(context.app, "/glomt-losenord", "email=kund%40example.se", headers: ["Sec-Fetch-Site": "same-origin", "Origin": "http://127.0.0.1:8080"])

            #expect(login.status == .forbidden)
            #expect(emptyToken.status == .forbidden)
            #expect(bare.status == .forbidden)
        }
    }

    @Test("The origin check compares scheme, host and port of PORTIER_BASE_URL")
    func originOfBaseURL() throws {
        let base = try #require(URL(string: "https://Portal.Example.se/"))
        #expect(CSRFMiddleware.isSameOrigin(["Origin": "https://portal.example.se"], baseURL: base))
        #expect(!CSRFMiddleware.isSameOrigin(["Origin": "http://portal.example.se"], baseURL: base))
        #expect(!CSRFMiddleware.isSameOrigin(["Origin": "https://portal.example.se.evil.example"], baseURL: base))
        #expect(CSRFMiddleware.isSameOrigin(["Sec-Fetch-Site": "Same-Origin"], baseURL: base))
    }
}
