import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Portier

@Suite("Password reset: choosing the new password")
struct PasswordResetTests {
    /// Asks for a link as the customer would and returns its path.
    private func requestLink(_ context: TestContext, email: String = "kund@example.se") async throws -> String {
        let browser = TestBrowser(app: context.app)
        try await browser.get("/glomt-losenord")
        try await browser.post("/glomt-losenord", ["email": email])
        return try #require(try await OutboxReader.resetPath(context.app, to: email))
    }

    @Test("The link page states the rules and sends no referrer")
    func page() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let path = try await requestLink(context)

            let response = try await TestBrowser(app: context.app).get(path)

            #expect(response.status == .ok)
            #expect(response.headers.first(name: "Referrer-Policy") == "no-referrer")
            #expect(response.headers.first(name: .cacheControl) == "no-store")
            let body = response.body.string
            #expect(body.contains("har minst 12 tecken"))
            #expect(body.contains("är inte ett vanligt lösenord"))
            #expect(body.contains("innehåller inte din e-postadress"))
            #expect(body.contains(#"name="password_confirmation""#))
            #expect(body.contains("/js/password-strength.js"))
        }
    }

    @Test("A weak password is refused with the reasons; the link stays usable")
    func weakPassword() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let path = try await requestLink(context)
            let browser = TestBrowser(app: context.app)
            try await browser.get(path)

            let short = try await browser.post(path, ["password": "kort", "password_confirmation": "kort"])
            let common = try await browser.post(path, ["password": "password1234", "password_confirmation": "password1234"])
            let mismatch = try await browser.post(path, ["password": "tre blå elefanter dansar", "password_confirmation": "tre blå elefanter"])

            #expect(short.status == .unprocessableEntity)
            #expect(short.body.string.contains("minst 12 tecken"))
            #expect(common.body.string.contains("för vanligt"))
            #expect(mismatch.body.string.contains("stämmer inte överens"))
            #expect(try await browser.get(path).status == .ok)
        }
    }

    @Test("Success: new password works, old fails, sessions ended, mail queued, no automatic login")
    func success() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let loggedIn = TestBrowser(app: context.app)
            try await loggedIn.logIn(email: "kund@example.se", password: Fixtures.password)
            let path = try await requestLink(context)
            let browser = TestBrowser(app: context.app)
            try await browser.get(path)

            let response = try await browser.post(path, ["password": "nya fina lösenordet 2026", "password_confirmation": "nya fina lösenordet 2026"])

            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/logga-in?notice=password-changed")
            #expect(browser.cookies["portier_session"] == nil)
            #expect(try await AuthSession.query(on: context.app.db).count() == 0)
            #expect(try await loggedIn.get("/kundavdelning").status == .seeOther)
            let notice = try await browser.get("/logga-in?notice=password-changed")
            #expect(notice.body.string.contains("Ditt lösenord är ändrat."))
            let changed = try #require(try await OutboxReader.mails(context.app).last)
            #expect(changed.subject == "Ditt lösenord har ändrats")
            #expect(changed.textBody.contains("alla inloggningar"))
            #expect(try await TestBrowser(app: context.app).logIn(email: "kund@example.se", password: Fixtures.password).status == .unauthorized)
            #expect(try await TestBrowser(app: context.app).logIn(email: "kund@example.se", password: "nya fina lösenordet 2026").status == .seeOther)
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "password_reset.completed").count() == 1)
        }
    }

    @Test("A link works once")
    func singleUse() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let path = try await requestLink(context)
            let browser = TestBrowser(app: context.app)
            try await browser.get(path)
            try await browser.post(path, ["password": "nya fina lösenordet 2026", "password_confirmation": "nya fina lösenordet 2026"])

            let again = try await browser.get(path)
            try await browser.get("/glomt-losenord")
            let reuse = try await browser.post(path, ["password": "ett annat långt lösenord", "password_confirmation": "ett annat långt lösenord"])

            #expect(again.status == .gone)
            #expect(again.body.string.contains("Skicka en ny länk"))
            #expect(reuse.status == .gone)
            #expect(try await TestBrowser(app: context.app).logIn(email: "kund@example.se", password: "ett annat långt lösenord").status == .unauthorized)
        }
    }

    @Test("A link expires after PORTIER_RESET_TOKEN_TTL")
    func expiry() async throws {
        try await withPortierApp({ $0.resetTokenLifetime = 600 }) { context in
            try await Fixtures.customer(context.app)
            let path = try await requestLink(context)
            let browser = TestBrowser(app: context.app)

            context.clock.advance(by: 599)
            #expect(try await browser.get(path).status == .ok)
            context.clock.advance(by: 2)
            #expect(try await browser.get(path).status == .gone)
        }
    }

    @Test("Any password change revokes open links")
    func passwordChangeRevokes() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            try await Fixtures.customer(context.app, email: "annan@example.se", name: "Annan Kund")
            let first = try await requestLink(context)
            let other = try await requestLink(context, email: "annan@example.se")
            let browser = TestBrowser(app: context.app)
            try await browser.get(first)
            try await browser.post(first, ["password": "nya fina lösenordet 2026", "password_confirmation": "nya fina lösenordet 2026"])

            let customer = try #require(try await Customer.find(email: "kund@example.se", on: context.app.db))
            let open = try await PasswordResetToken.query(on: context.app.db).filter(\.$customer.$id == customer.id!).filter(\.$usedAt == nil).filter(\.$revokedAt == nil).count()
            #expect(open == 0)
            #expect(try await browser.get(other).status == .ok)
        }
    }

    @Test("Made-up and malformed tokens get the friendly page")
    func invalidTokens() async throws {
        try await withPortierApp { context in
            let browser = TestBrowser(app: context.app)
            for token in ["nonsense", String(repeating: "a", count: 43), String(repeating: "x", count: 500)] {
                let response = try await browser.get("/aterstall-losenord/" + token)
                #expect(response.status == .gone)
                #expect(response.body.string.contains("Länken fungerar inte längre"))
            }
        }
    }

    @Test("Names with CR/LF cannot inject mail headers")
    func headerInjection() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app, name: "Karin\r\nBcc: victim@example.se")
            let browser = TestBrowser(app: context.app)
            try await browser.get("/glomt-losenord")

            let response = try await browser.post("/glomt-losenord", ["email": "kund@example.se"])

            #expect(response.status == .ok)
            let mail = try #require(try await OutboxReader.mails(context.app).first)
            #expect(mail.to.name == "KarinBcc: victim@example.se")
            #expect(mail.to.email == "kund@example.se")
        }
    }

    @Test("customers create without a password prints a set-password link that works")
    func initialPasswordLink() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app, password: nil)
            let issuer = ResetLinkIssuer(services: context.app.portier)
            let token = try await issuer.issue(for: customer.id!, purpose: .setInitial, on: context.app.db)
            let link = issuer.link(for: token)
            let browser = TestBrowser(app: context.app)

            let page = try await browser.get(URL(string: link)!.path)
            try await browser.post(URL(string: link)!.path, ["password": "mitt första lösenord!", "password_confirmation": "mitt första lösenord!"])

            #expect(link.hasPrefix("http://127.0.0.1:8080/aterstall-losenord/"))
            #expect(page.body.string.contains("Välj ditt lösenord"))
            #expect(try await TestBrowser(app: context.app).logIn(email: "kund@example.se", password: "mitt första lösenord!").status == .seeOther)
        }
    }
}
