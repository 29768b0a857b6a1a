import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Portier

@Suite("Two-step: login with a code, pending state, reset")
struct TwoStepLoginTests {
    @Test("With two-step on, the right password leads to /logga-in/kod, and a code to Kundavdelningen")
    func loginWithCode() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let enabled = try await TwoStepFixtures.enable(context, browser: TestBrowser(app: context.app))
            let browser = TestBrowser(app: context.app)

            let password = try await browser.logIn(email: "kund@example.se", password: Fixtures.password, next: "/kundavdelning/fakturor")
            #expect(password.headers.first(name: .location) == "/logga-in/kod?next=/kundavdelning/fakturor")
            let page = try await browser.get("/logga-in/kod?next=/kundavdelning/fakturor")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Skriv in din kod"))
            #expect(page.body.string.contains("Kom ihåg den här enheten i 30 dagar"))

            let wrong = try await browser.post("/logga-in/kod", ["code": TwoStepFixtures.wrongCode(secret: enabled.secret, at: context.clock.now()), "next": "/kundavdelning/fakturor"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.body.string.contains("Koden stämmer inte"))

            let done = try await browser.post("/logga-in/kod", ["code": enabled.code(at: context.clock.now()), "next": "/kundavdelning/fakturor"])
            #expect(done.status == .seeOther)
            #expect(done.headers.first(name: .location) == "/kundavdelning/fakturor")
            #expect(try await browser.get("/kundavdelning").status == .ok)

            let sessions = try await AuthSession.query(on: context.app.db).filter(\.$customer.$id == customer.requireID()).all()
            #expect(sessions.contains { $0.strength == .secondFactor && !$0.isSecondFactorPending })
            #expect(!sessions.contains { $0.isSecondFactorPending })
            let kinds = try await AuditEvent.query(on: context.app.db).sort(\.$occurredAt).all().map(\.kind)
            #expect(kinds.contains("login.second_factor_required"))
            #expect(kinds.contains("login.second_factor_failed"))
            let success = try await AuditEvent.query(on: context.app.db).filter(\.$kind == "login.succeeded").sort(\.$occurredAt, .descending).first()
            #expect(success?.details == "authenticator app")
        }
    }

    @Test("A pending session reaches no Kundavdelning page, and ends after five minutes")
    func pendingCannotReachCustomerArea() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            _ = try await TwoStepFixtures.enable(context, browser: TestBrowser(app: context.app))
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)

            for path in ["/kundavdelning", "/kundavdelning/sakerhet", "/kundavdelning/kontaktuppgifter", "/kundavdelning/fakturor"] {
                let response = try await browser.get(path)
                #expect(response.status == .seeOther, "\(path)")
                #expect(response.headers.first(name: .location) == "/logga-in/kod", "\(path)")
            }
            try await browser.get("/logga-in/kod")   // a page with a CSRF token for the form below
            let post = try await browser.post("/kundavdelning/sakerhet/tvastegsverifiering/stang-av", ["current_password": Fixtures.password, "code": "123456"])
            #expect(post.headers.first(name: .location) == "/logga-in/kod")
            #expect(try await TOTPCredential.query(on: context.app.db).count() == 1)

            context.clock.advance(by: AuthSession.secondFactorWindow)
            let expired = try await browser.get("/logga-in/kod")
            #expect(expired.headers.first(name: .location) == "/logga-in?notice=session-expired")
        }
    }

    @Test("A backup code logs in once; the same code a second time is refused")
    func backupCodeOnce() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let enabled = try await TwoStepFixtures.enable(context, browser: TestBrowser(app: context.app))

            let first = TestBrowser(app: context.app)
            try await first.logIn(email: "kund@example.se", password: Fixtures.password)
            try await first.get("/logga-in/kod")
            let used = try await first.post("/logga-in/kod", ["code": enabled.backupCodes[3]])
            #expect(used.headers.first(name: .location) == "/kundavdelning")
            let security = try await first.get("/kundavdelning/sakerhet")
            #expect(security.body.string.contains("Reservkoder kvar: 9 av 10."))

            let second = TestBrowser(app: context.app)
            try await second.logIn(email: "kund@example.se", password: Fixtures.password)
            try await second.get("/logga-in/kod")
            let again = try await second.post("/logga-in/kod", ["code": enabled.backupCodes[3]])
            #expect(again.status == .unauthorized)

            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "backup_code.used").count() == 1)
            let mails = try await OutboxReader.mails(context.app, to: "kund@example.se")
            #expect(mails.contains { $0.subject == "En reservkod har använts" && $0.textBody.contains("9 reservkoder kvar") })
        }
    }

    @Test("Wrong codes are throttled per account like passwords, counted before they are checked")
    func throttled() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let enabled = try await TwoStepFixtures.enable(context, browser: TestBrowser(app: context.app))
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)
            try await browser.get("/logga-in/kod")
            let wrong = TwoStepFixtures.wrongCode(secret: enabled.secret, at: context.clock.now())
            for _ in 0..<ThrottlePolicy.loginPerAccount.freeFailures {
                #expect(try await browser.post("/logga-in/kod", ["code": wrong]).status == .unauthorized)
            }
            // Now even the right code waits.
            let refused = try await browser.post("/logga-in/kod", ["code": enabled.code(at: context.clock.now())])
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers.first(name: .retryAfter) != nil)
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "login.second_factor_throttled").count() == 1)
        }
    }

    @Test("'Kom ihåg den här enheten' skips the code in that browser only, for 30 days")
    func rememberedDevice() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let enabled = try await TwoStepFixtures.enable(context, browser: TestBrowser(app: context.app))
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)
            try await browser.get("/logga-in/kod")
            try await browser.post("/logga-in/kod", ["code": enabled.code(at: context.clock.now()), "remember": "1"])
            try await browser.get("/kundavdelning")
            try await browser.post("/logga-ut", [:])

            context.clock.advance(by: 24 * 60 * 60)
            let again = try await browser.logIn(email: "kund@example.se", password: Fixtures.password)
            #expect(again.headers.first(name: .location) == "/kundavdelning")
            let other = try await TestBrowser(app: context.app).logIn(email: "kund@example.se", password: Fixtures.password)
            #expect(other.headers.first(name: .location) == "/logga-in/kod")

            // After 30 days the code is asked for again.
            try await browser.get("/kundavdelning")
            try await browser.post("/logga-ut", [:])
            context.clock.advance(by: 30 * 24 * 60 * 60)
            let later = try await browser.logIn(email: "kund@example.se", password: Fixtures.password)
            #expect(later.headers.first(name: .location) == "/logga-in/kod")
        }
    }

    @Test("A password reset does not bypass two-step: the mail and page say so, and the login still asks for a code")
    func resetDoesNotBypass() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let enabled = try await TwoStepFixtures.enable(context, browser: TestBrowser(app: context.app))
            let browser = TestBrowser(app: context.app)
            try await browser.get("/glomt-losenord")
            try await browser.post("/glomt-losenord", ["email": "kund@example.se"])
            let mail = try #require(try await OutboxReader.mails(context.app, to: "kund@example.se").last { $0.textBody.contains("/aterstall-losenord/") })
            #expect(mail.textBody.contains("Du har tvåstegsverifiering påslagen"))
            #expect(mail.textBody.contains("kontakta oss"))
            let resetPath = try #require(try await OutboxReader.resetPath(context.app, to: "kund@example.se"))
            let resetPage = try await browser.get(resetPath)
            #expect(resetPage.body.string.contains("Ett nytt lösenord stänger inte av den"))

            let newPassword = "ett helt nytt långt lösenord för karin"
            let reset = try await browser.post(resetPath, ["password": newPassword, "password_confirmation": newPassword])
            #expect(reset.status == .seeOther)

            let login = try await browser.logIn(email: "kund@example.se", password: newPassword)
            #expect(login.headers.first(name: .location) == "/logga-in/kod")
            #expect(try await browser.get("/kundavdelning").headers.first(name: .location) == "/logga-in/kod")
            try await browser.get("/logga-in/kod")
            let code = try await browser.post("/logga-in/kod", ["code": enabled.code(at: context.clock.now())])
            #expect(code.headers.first(name: .location) == "/kundavdelning")
        }
    }
}
