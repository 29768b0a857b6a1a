import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Portier

@Suite("Login")
struct LoginTests {
    @Test("The login page has the seed's labels in order")
    func loginPage() async throws {
        try await withPortierApp({ $0.webmailURL = URL(string: "https://webmail.example.se") }) { context in
            let browser = TestBrowser(app: context.app)

            let response = try await browser.get("/logga-in")

            #expect(response.status == .ok)
            let body = response.body.string
            let customerArea = try #require(body.range(of: ">Kundavdelning</a>"))
            let button = try #require(body.range(of: ">Logga in</button>"))
            let forgot = try #require(body.range(of: ">Glömt ditt lösenord?</a>"))
            #expect(customerArea.lowerBound < button.lowerBound)
            #expect(button.upperBound < forgot.lowerBound)
            #expect(body.contains(#"href="https://webmail.example.se""#))
            #expect(!body.contains("Kontrollpanel"))
            #expect(browser.csrfToken != nil)
        }
    }

    @Test("The plain login page, kept in memory, carries each visitor's own token and language; a logged-in visitor is sent on")
    func loginPageFromMemory() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let one = TestBrowser(app: context.app), two = TestBrowser(app: context.app), three = TestBrowser(app: context.app)
            three.setCookie(Language.cookieName, "en")

            let first = try await one.get("/logga-in")
            let second = try await two.get("/logga-in")
            let english = try await three.get("/logga-in")
            let withNotice = try await two.get("/logga-in?notice=logged-out")

            #expect(context.app.pageCache.count == 3)
            #expect(second.headers.first(name: .cacheControl) == "no-store")
            #expect(second.headers.first(name: .contentType) == "text/html; charset=utf-8")
            #expect(one.csrfToken == one.cookies["portier_csrf"])
            #expect(two.csrfToken == two.cookies["portier_csrf"])
            #expect(one.csrfToken != two.csrfToken)
            #expect(first.body.string.replacingOccurrences(of: one.csrfToken ?? "-", with: "T") == second.body.string.replacingOccurrences(of: two.csrfToken ?? "-", with: "T"))
            #expect(english.body.string.contains(#"<html lang="en""#))
            #expect(withNotice.body.string.contains(context.app.catalogs.string("login.notice.logged-out", language: .swedish)))

            try await one.logIn(email: "kund@example.se", password: Fixtures.password)
            let again = try await one.get("/logga-in")
            #expect(again.status == .seeOther)
            #expect(again.headers.first(name: .location) == "/kundavdelning")
        }
    }

    @Test("A customer logs in with the registered address in any case and with spaces")
    func success() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)

            let response = try await browser.logIn(email: "  KUND@Example.SE ", password: Fixtures.password)

            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/kundavdelning")
            let page = try await browser.get("/kundavdelning")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Välkommen, Karin Kund!"))
            #expect(page.body.string.contains("kund@example.se"))
            let events = try await AuditEvent.query(on: context.app.db).filter(\.$kind == "login.succeeded").all()
            #expect(events.count == 1)
            #expect(events.first?.customerID == customer.id)
            #expect(events.first?.userAgent == "PortierTests/1.0")
        }
    }

    @Test("A wrong password and an unknown address get the same neutral answer")
    func neutralFailure() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)

            let wrongPassword = try await browser.logIn(email: "kund@example.se", password: "fel lösenord helt klart")
            let unknown = try await browser.logIn(email: "ingen@example.se", password: "fel lösenord helt klart")

            #expect(wrongPassword.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            let message = "E-postadressen eller lösenordet stämmer inte."
            #expect(wrongPassword.body.string.contains(message))
            #expect(unknown.body.string.contains(message))
            #expect(unknown.body.string.contains(#"value="ingen@example.se""#))
            #expect(browser.cookies["portier_session"] == nil)
            let failures = try await AuditEvent.query(on: context.app.db).filter(\.$kind == "login.failed").count()
            #expect(failures == 2)
        }
    }

    @Test("Empty fields are a form error, not an attempt")
    func missingFields() async throws {
        try await withPortierApp { context in
            let browser = TestBrowser(app: context.app)

            let response = try await browser.logIn(email: "kund@example.se", password: "")

            #expect(response.status == .unprocessableEntity)
            #expect(response.body.string.contains("Fyll i både e-postadress och lösenord."))
            #expect(try await AuditEvent.query(on: context.app.db).count() == 0)
        }
    }

    @Test("A customer without a password cannot log in")
    func noPasswordYet() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app, password: nil)
            let browser = TestBrowser(app: context.app)

            let response = try await browser.logIn(email: "kund@example.se", password: "vad som helst egentligen")

            #expect(response.status == .unauthorized)
        }
    }

    @Test("Repeated failures on one account are slowed down, then allowed again")
    func accountThrottling() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            for _ in 0..<ThrottlePolicy.loginPerAccount.freeFailures {
                let response = try await browser.logIn(email: "kund@example.se", password: "fel lösenord igen och igen")
                #expect(response.status == .unauthorized)
            }

            let throttled = try await browser.logIn(email: "kund@example.se", password: Fixtures.password)

            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.body.string.contains("För många misslyckade inloggningsförsök. Vänta 1 minut(er)"))
            #expect(throttled.headers.first(name: .retryAfter) == "30")
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "login.throttled").count() == 1)

            context.clock.advance(by: 31)
            let allowed = try await browser.logIn(email: "kund@example.se", password: Fixtures.password)
            #expect(allowed.status == .seeOther)
        }
    }

    @Test("The delay grows with each further failure and never locks for good")
    func growingDelay() {
        let policy = ThrottlePolicy.loginPerAccount

        #expect(policy.delay(afterFailures: 4) == 0)
        #expect(policy.delay(afterFailures: 5) == 30)
        #expect(policy.delay(afterFailures: 6) == 60)
        #expect(policy.delay(afterFailures: 7) == 120)
        #expect(policy.delay(afterFailures: 50) == 15 * 60)
        #expect(ThrottlePolicy.loginPerAddress.delay(afterFailures: 49) == 0)
        #expect(ThrottlePolicy.loginPerAddress.delay(afterFailures: 50) == 30)
    }

    @Test("Many accounts from one address are slowed down per address")
    func addressThrottling() async throws {
        try await withPortierApp { context in
            let throttle = Throttle(database: context.app.db)
            let now = context.clock.now()
            for _ in 0..<ThrottlePolicy.loginPerAddress.freeFailures {
                _ = try await throttle.reserve("login:ip:unknown", policy: .loginPerAddress, now: now)
            }
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)

            let response = try await browser.logIn(email: "kund@example.se", password: Fixtures.password)

            #expect(response.status == .tooManyRequests)
        }
    }

    @Test("Failures older than the window are forgotten")
    func windowExpiry() async throws {
        try await withPortierApp { context in
            let throttle = Throttle(database: context.app.db)
            for _ in 0..<5 {
                let decision = try await throttle.reserve("k", policy: .loginPerAccount, now: context.clock.now())
                #expect(decision == .allowed)
            }
            let refused = try await throttle.reserve("k", policy: .loginPerAccount, now: context.clock.now())
            #expect(refused == .refused(retryAfter: 30))

            context.clock.advance(by: ThrottlePolicy.loginPerAccount.window + 1)

            let afterWindow = try await throttle.reserve("k", policy: .loginPerAccount, now: context.clock.now())
            #expect(afterWindow == .allowed)
            #expect(try await ThrottleCounter.find("k", on: context.app.db)?.failures == 1)
        }
    }

    @Test("A login post without the CSRF token is rejected")
    func csrfRejected() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.get("/logga-in")

            let missing = try await browser.post("/logga-in", ["email": "kund@example.se", "password": Fixtures.password], includeCSRF: false)
            let forged = try await browser.post("/logga-in", ["email": "kund@example.se", "password": Fixtures.password, "csrf_token": "forged"])

            #expect(missing.status == .forbidden)
            #expect(forged.status == .forbidden)
            #expect(forged.body.string.contains("Formuläret hade gått ut"))
            #expect(try await AuthSession.query(on: context.app.db).count() == 0)
        }
    }

    @Test("A successful login upgrades a legacy bcrypt hash")
    func bcryptUpgrade() async throws {
        try await withPortierApp { context in
            let customer = Customer(email: "gammal@example.se", name: "Gammal Kund", passwordHash: try Bcrypt.hash("ett äldre lösenord", cost: 4))
            try await customer.create(on: context.app.db)
            let browser = TestBrowser(app: context.app)

            let response = try await browser.logIn(email: "gammal@example.se", password: "ett äldre lösenord")

            #expect(response.status == .seeOther)
            let upgraded = try #require(try await Customer.find(customer.id, on: context.app.db))
            #expect(upgraded.passwordHash?.hasPrefix("$scrypt$") == true)
        }
    }

    @Test("`next` returns the customer to a page of this site only", arguments: [
        ("/kundavdelning/fakturor", "/kundavdelning/fakturor"),
        ("//evil.example", "/kundavdelning"),
        ("https:evil", "/kundavdelning"),
        ("/\\evil", "/kundavdelning"),
        ("https://evil.example/", "/kundavdelning"),
        ("/%0d%0aSet-Cookie:x", "/%0d%0aSet-Cookie:x"),
        ("/\r\nSet-Cookie: x=1", "/kundavdelning"),
    ])
    func nextRedirect(next: String, expected: String) async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)

            let response = try await browser.logIn(email: "kund@example.se", password: Fixtures.password, next: next)

            #expect(response.headers.first(name: .location) == expected)
        }
    }

    @Test("SafeRedirect rejects what could leave the site")
    func safeRedirect() {
        #expect(SafeRedirect.path(from: "/kundavdelning?x=1") == "/kundavdelning?x=1")
        #expect(SafeRedirect.path(from: "//evil.example") == nil)
        #expect(SafeRedirect.path(from: "https:evil") == nil)
        #expect(SafeRedirect.path(from: "/\\evil") == nil)
        #expect(SafeRedirect.path(from: "\\\\evil") == nil)
        #expect(SafeRedirect.path(from: "/\tevil") == nil)
        #expect(SafeRedirect.path(from: "evil") == nil)
        #expect(SafeRedirect.path(from: nil) == nil)
    }
}
