import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Portier

@Suite("Sessions")
struct SessionTests {
    @Test("The customer area sends visitors to the login page with next")
    func requiresLogin() async throws {
        try await withPortierApp { context in
            let browser = TestBrowser(app: context.app)

            for path in ["/kundavdelning", "/kundavdelning/tjanster", "/kundavdelning/support", "/kundavdelning/fakturor"] {
                let response = try await browser.get(path)
                #expect(response.status == .seeOther)
                #expect(response.headers.first(name: .location) == "/logga-in?next=" + path)
            }
        }
    }

    @Test("Login issues a new session token; a cookie from before is never promoted")
    func rotation() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            browser.setCookie("portier_session", "planted-by-an-attacker")
            try await browser.get("/logga-in")
            let csrfBefore = browser.cookies["portier_csrf"]

            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)

            let token = try #require(browser.cookies["portier_session"])
            #expect(token != "planted-by-an-attacker")
            #expect(token.count >= 43)
            #expect(browser.cookies["portier_csrf"] != csrfBefore)
            let session = try #require(try await AuthSession.query(on: context.app.db).first())
            #expect(session.tokenHash == TokenDigest.sha256Hex(token))
            #expect(session.tokenHash != token)
        }
    }

    @Test("Logging in again ends the previous session of that browser")
    func reLogin() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)
            let first = browser.cookies["portier_session"]
            try await browser.get("/kundavdelning")

            try await browser.post("/logga-in", ["email": "kund@example.se", "password": Fixtures.password])

            #expect(browser.cookies["portier_session"] != first)
            #expect(try await AuthSession.query(on: context.app.db).count() == 1)
        }
    }

    @Test("An idle session ends after 30 minutes")
    func idleTimeout() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)

            context.clock.advance(by: 29 * 60)
            #expect(try await browser.get("/kundavdelning").status == .ok)
            context.clock.advance(by: 29 * 60)
            #expect(try await browser.get("/kundavdelning").status == .ok)
            context.clock.advance(by: 30 * 60)
            let expired = try await browser.get("/kundavdelning")

            #expect(expired.status == .seeOther)
            #expect(try await AuthSession.query(on: context.app.db).count() == 0)
            #expect(browser.cookies["portier_session"] == nil)
        }
    }

    @Test("Every session ends after 12 hours, however active")
    func absoluteTimeout() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)

            for _ in 0..<(12 * 4 - 1) {
                context.clock.advance(by: 15 * 60)
                #expect(try await browser.get("/kundavdelning").status == .ok)
            }
            context.clock.advance(by: 15 * 60)

            #expect(try await browser.get("/kundavdelning").status == .seeOther)
        }
    }

    @Test("Logout deletes the session row and clears the cookie")
    func logout() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)
            let token = try #require(browser.cookies["portier_session"])
            try await browser.get("/kundavdelning")

            let response = try await browser.post("/logga-ut", [:])

            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/logga-in?notice=logged-out")
            #expect(browser.cookies["portier_session"] == nil)
            #expect(try await AuthSession.query(on: context.app.db).count() == 0)
            browser.setCookie("portier_session", token)
            #expect(try await browser.get("/kundavdelning").status == .seeOther)
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "logout").count() == 1)
        }
    }

    @Test("Cookies carry HttpOnly and SameSite=Lax; Secure and __Host- on https")
    func cookieFlags() async throws {
        try await withPortierApp({ $0.baseURL = URL(string: "https://kund.example.se")! }) { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.get("/logga-in")

            let response = try await browser.post("/logga-in", ["email": "kund@example.se", "password": Fixtures.password])

            let setCookies = response.headers[.setCookie].joined(separator: "\n")
            #expect(setCookies.contains("__Host-portier_session="))
            #expect(setCookies.contains("Secure"))
            #expect(setCookies.contains("HttpOnly"))
            #expect(setCookies.contains("SameSite=Lax"))
            #expect(setCookies.contains("Path=/"))
            #expect(response.headers.first(name: "Strict-Transport-Security") != nil)
        }
    }
}
