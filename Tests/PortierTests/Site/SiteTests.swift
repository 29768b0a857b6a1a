import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Portier

@Suite("Site")
struct SiteTests {
    @Test("The home page shows Logga in and the Meny for narrow screens")
    func header() async throws {
        try await withPortierApp { context in
            let response = try await TestBrowser(app: context.app).get("/")

            #expect(response.status == .ok)
            let body = response.body.string
            #expect(body.contains(#"<html lang="sv">"#))
            #expect(body.contains(#"class="button login-link" href="/logga-in">Logga in</a>"#))
            let menu = try #require(body.range(of: #"<summary class="menu-toggle">Meny</summary>"#))
            let menuLogin = try #require(body.range(of: #"<li class="mobile-menu-login"><a class="button login-link" href="/logga-in">Logga in</a></li>"#))
            #expect(menu.upperBound < menuLogin.lowerBound)
        }
    }

    @Test("Files in Public/ are served for unrouted paths; nothing outside it, and routes win")
    func publicFiles() async throws {
        try await withPortierApp { context in
            let browser = TestBrowser(app: context.app)

            let stylesheet = try await browser.get("/css/portier.css")
            let script = try await browser.get("/js/portier.js")
            let missing = try await browser.get("/css/finns-inte.css")
            let outside = try await browser.get("/css/../../Package.swift")
            let page = try await browser.get("/logga-in")

            #expect(stylesheet.status == .ok)
            #expect(stylesheet.headers.contentType?.subType == "css")
            #expect(script.status == .ok)
            #expect(missing.status == .notFound)
            #expect(missing.body.string.contains("<html"))
            #expect(outside.status != .ok)
            #expect(page.status == .ok)
            #expect(page.body.string.contains(">Logga in</button>"))
        }
    }

    @Test("Cookies are read by name through Vapor's HTTPCookies, parsed once per request, quotes removed")
    func cookieValues() async throws {
        try await withPortierApp { context in
            var headers = HTTPHeaders()
            headers.add(name: .cookie, value: "a=1; portier_csrf=abc-_1;portier_lang=\"en\" ;x")
            headers.add(name: .cookie, value: "b=")
            let request = Request(application: context.app, method: .GET, url: "/", headers: headers, on: context.app.eventLoopGroup.next())

            #expect(request.cookie("portier_csrf") == "abc-_1")
            #expect(request.cookie("portier_lang") == "en")
            #expect(request.cookie("b") == "")
            #expect(request.cookie("x") == nil)
            #expect(request.cookie("portier") == nil)
            // Kept in the request's storage: a header changed afterwards is not parsed again.
            request.headers.replaceOrAdd(name: .cookie, value: "portier_csrf=changed")
            #expect(request.cookie("portier_csrf") == "abc-_1")

            // A header that holds the name only inside another cookie's name or value, or no
            // header at all: no such cookie.
            let lookalike = Request(
                application: context.app, method: .GET, url: "/",
                headers: ["Cookie": "x=portier_session; my_portier_staff=1"], on: context.app.eventLoopGroup.next()
            )
            #expect(lookalike.cookie("portier_session") == nil)
            #expect(lookalike.cookie("portier_staff") == nil)
            #expect(lookalike.cookie("my_portier_staff") == "1")
            let none = Request(application: context.app, method: .GET, url: "/", on: context.app.eventLoopGroup.next())
            #expect(none.cookie("portier_session") == nil)
        }
    }

    @Test("Every response carries the security headers")
    func securityHeaders() async throws {
        try await withPortierApp { context in
            let response = try await TestBrowser(app: context.app).get("/logga-in")

            let csp = try #require(response.headers.first(name: "Content-Security-Policy"))
            #expect(csp.contains("script-src 'self'"))
            #expect(!csp.contains("unsafe-inline"))
            #expect(csp.contains("frame-ancestors 'none'"))
            #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(response.headers.first(name: "Referrer-Policy") == "strict-origin-when-cross-origin")
            #expect(response.headers.first(name: .cacheControl) == "no-store")
            #expect(response.headers.first(name: "Strict-Transport-Security") == nil)
        }
    }

    @Test("English is chosen by Accept-Language, and by the switch, which is remembered")
    func language() async throws {
        try await withPortierApp { context in
            let english = try await context.app.testing().sendRequest(.GET, "/", headers: ["Accept-Language": "en-GB,en;q=0.9"])
            #expect(english.body.string.contains(">Log in</a>"))

            let browser = TestBrowser(app: context.app)
            try await browser.get("/logga-in")
            let switched = try await browser.post("/sprak", ["lang": "en", "next": "/logga-in"])
            #expect(switched.status == .seeOther)
            #expect(switched.headers.first(name: .location) == "/logga-in")
            let page = try await browser.get("/logga-in")
            #expect(page.body.string.contains(#"<html lang="en">"#))
            #expect(page.body.string.contains("Forgot your password?"))
        }
    }

    @Test("Values are HTML-escaped")
    func escaping() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app, name: "<script>alert('x')</script>")
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)

            let page = try await browser.get("/kundavdelning")
            let failed = try await browser.logIn(email: "\"><img src=x>", password: "x")

            #expect(!page.body.string.contains("<script>alert"))
            #expect(page.body.string.contains("&lt;script&gt;"))
            #expect(!failed.body.string.contains("\"><img src=x>"))
        }
    }

    @Test("Unknown pages get a localized 404 in the layout")
    func notFound() async throws {
        try await withPortierApp { context in
            let response = try await TestBrowser(app: context.app).get("/finns-inte")

            #expect(response.status == .notFound)
            #expect(response.body.string.contains("Sidan finns inte."))
        }
    }

    @Test("The help and contact pages offer e-mail, chat and phone from configuration")
    func contact() async throws {
        try await withPortierApp({ $0.contactPhone = "0771-12 34 56" }) { context in
            let response = try await TestBrowser(app: context.app).get("/kontakt")

            #expect(response.body.string.contains("Behöver du mer hjälp?"))
            #expect(response.body.string.contains("0771-12 34 56"))
        }
    }
}
