import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Portier

@Suite("Customer area: contact details, e-mail address and password")
struct CustomerAreaContactDetailsTests {
    static let newPassword = "ett helt nytt långt lösenord 2027"

    /// The path of the newest confirmation link sent to `email`.
    private func confirmationPath(_ app: Application, to email: String) async throws -> String? {
        guard let mail = try await OutboxReader.mails(app, to: email).last(where: { $0.textBody.contains("/bekrafta-e-post/") }),
              let range = mail.textBody.range(of: #"https?://[^\s]+/bekrafta-e-post/[A-Za-z0-9_-]+"#, options: .regularExpression) else {
            return nil
        }
        return URL(string: String(mail.textBody[range]))?.path
    }

    @Test("The page has the three sections with their labels")
    func page() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = try await AreaFixtures.browser(context)

            let body = try await browser.get("/kundavdelning/kontaktuppgifter").body.string

            for label in ["Kontaktuppgifter", "Spara ändringar", "Byt e-postadress", "Ny e-postadress", "Nuvarande lösenord", "Skicka bekräftelselänk", "Byt lösenord", "Nytt lösenord", "Upprepa det nya lösenordet"] {
                #expect(body.contains(label), "\(label)")
            }
            #expect(body.components(separatedBy: #"<input type="hidden" name="csrf_token""#).count - 1 == 5)
            #expect(body.contains(#"<a href="/kundavdelning/kontaktuppgifter" aria-current="page">Kontaktuppgifter</a>"#))
        }
    }

    @Test("Saving contact details normalises them, records an audit event and prints them on new invoices")
    func save() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let browser = try await AreaFixtures.browser(context)
            try await browser.get("/kundavdelning/kontaktuppgifter")

            let response = try await browser.post("/kundavdelning/kontaktuppgifter", [
                "name": "Karin Kund AB", "identity_number": "5566778899", "street_address": "Storgatan 12",
                "postal_code": "11451", "city": "Stockholm", "country": "SE", "phone": "070-123 45 67",
            ])

            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/kundavdelning/kontaktuppgifter?notice=details-saved")
            let saved = try #require(try await Customer.find(customer.id, on: context.app.db))
            #expect(saved.name == "Karin Kund AB")
            #expect(saved.identityNumber == "556677-8899")
            #expect(saved.postalCode == "114 51")
            #expect(saved.countryCode == "SE")
            #expect(saved.phone == "070-123 45 67")
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "contact_details.updated").count() == 1)
            let page = try await browser.get("/kundavdelning/kontaktuppgifter?notice=details-saved").body.string
            #expect(page.contains("Dina kontaktuppgifter är sparade."))
            #expect(page.contains(#"value="Storgatan 12""#))

            let invoice = try await AreaFixtures.invoice(context, for: saved)
            let invoicePage = try await browser.get(invoice.path).body.string
            #expect(invoicePage.contains("Karin Kund AB"))
            #expect(invoicePage.contains("114 51 Stockholm"))
        }
    }

    @Test("Bad input loses nothing: the page comes back with the typed values and an error per field")
    func invalidDetails() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let browser = try await AreaFixtures.browser(context)
            try await browser.get("/kundavdelning/kontaktuppgifter")

            let response = try await browser.post("/kundavdelning/kontaktuppgifter", [
                "name": "Karin \"Kund\" <AB>", "identity_number": "556677-8898", "street_address": "Storgatan 12",
                "postal_code": "1145", "city": "", "country": "SE", "phone": "ring mig",
            ])

            #expect(response.status == .unprocessableEntity)
            let body = response.body.string
            #expect(body.contains(#"value="Karin &quot;Kund&quot; &lt;AB&gt;""#))
            #expect(body.contains(#"value="556677-8898""#))
            #expect(body.contains(#"value="1145""#))
            #expect(body.contains(#"value="ring mig""#))
            #expect(body.contains("Numret stämmer inte."))
            #expect(body.contains("Skriv postnumret med fem siffror"))
            #expect(body.contains("Fyll i ort."))
            #expect(body.contains("Skriv telefonnumret med siffror"))
            #expect(body.contains(#"aria-describedby="postal_code-error""#))
            #expect(try await Customer.find(customer.id, on: context.app.db)?.name == "Karin Kund")

            browser.setCookie("portier_lang", "en")
            try await browser.get("/kundavdelning/kontaktuppgifter")
            let english = try await browser.post("/kundavdelning/kontaktuppgifter", ["name": "", "street_address": "x", "postal_code": "11451", "city": "y", "country": "SE"])
            #expect(english.body.string.contains("Enter your name or your company&#39;s name.") || english.body.string.contains("Enter your name or your company's name."))
        }
    }

    @Test("Changing the e-mail address: link to the new address, effective only when followed, old address told, reset links revoked")
    func emailChange() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let resetToken = try await ResetLinkIssuer(services: context.app.portier).issue(for: customer.id!, purpose: .reset, on: context.app.db)
            let browser = try await AreaFixtures.browser(context)
            try await browser.get("/kundavdelning/kontaktuppgifter")

            let requested = try await browser.post("/kundavdelning/kontaktuppgifter/e-post", ["new_email": " Ny.Adress@Example.se ", "current_password": Fixtures.password])

            #expect(requested.status == .seeOther)
            #expect(requested.headers.first(name: .location) == "/kundavdelning/kontaktuppgifter?notice=email-link-sent")
            #expect(try await Customer.find(customer.id, on: context.app.db)?.email == "kund@example.se")
            let path = try #require(try await confirmationPath(context.app, to: "ny.adress@example.se"))
            let token = String(path.dropFirst("/bekrafta-e-post/".count))
            let row = try #require(try await EmailChangeToken.query(on: context.app.db).first())
            #expect(row.tokenHash == TokenDigest.sha256Hex(token))
            #expect(row.tokenHash != token)
            #expect(token.count >= 43)
            let linkMail = try #require(try await OutboxReader.mails(context.app, to: "ny.adress@example.se").last)
            #expect(linkMail.subject == "Bekräfta din nya e-postadress")
            #expect(linkMail.textBody.contains("http://127.0.0.1:8080/bekrafta-e-post/"))
            let pending = try await browser.get("/kundavdelning/kontaktuppgifter?notice=email-link-sent").body.string
            #expect(pending.contains("Väntar på bekräftelse: ny.adress@example.se"))

            // Following the link: a GET only shows the button.
            let other = TestBrowser(app: context.app)
            let confirmPage = try await other.get(path)
            #expect(confirmPage.status == .ok)
            #expect(confirmPage.headers.first(name: "Referrer-Policy") == "no-referrer")
            #expect(confirmPage.body.string.contains("ny.adress@example.se"))
            #expect(try await Customer.find(customer.id, on: context.app.db)?.email == "kund@example.se")

            let confirmed = try await other.post(path, [:])

            #expect(confirmed.status == .ok)
            #expect(confirmed.body.string.contains("Din registrerade e-postadress är nu ny.adress@example.se"))
            #expect(try await Customer.find(customer.id, on: context.app.db)?.email == "ny.adress@example.se")
            let notice = try #require(try await OutboxReader.mails(context.app, to: "kund@example.se").last)
            #expect(notice.subject == "Din e-postadress har ändrats")
            #expect(notice.textBody.contains("från kund@example.se till ny.adress@example.se"))
            #expect(try await PasswordResetToken.find(token: resetToken, on: context.app.db)?.revokedAt != nil)
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "email_change.requested").count() == 1)
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "email_change.completed").count() == 1)
            // Single use; the new address logs in, the old one does not.
            try await other.get("/logga-in")
            #expect(try await other.post(path, [:]).status == .gone)
            #expect(try await TestBrowser(app: context.app).logIn(email: "ny.adress@example.se", password: Fixtures.password).status == .seeOther)
            #expect(try await TestBrowser(app: context.app).logIn(email: "kund@example.se", password: Fixtures.password).status == .unauthorized)
        }
    }

    @Test("Confirming while logged in returns to Kontaktuppgifter with a notice")
    func confirmLoggedIn() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = try await AreaFixtures.browser(context)
            try await browser.get("/kundavdelning/kontaktuppgifter")
            try await browser.post("/kundavdelning/kontaktuppgifter/e-post", ["new_email": "ny@example.se", "current_password": Fixtures.password])
            let path = try #require(try await confirmationPath(context.app, to: "ny@example.se"))
            try await browser.get(path)

            let response = try await browser.post(path, [:])

            #expect(response.headers.first(name: .location) == "/kundavdelning/kontaktuppgifter?notice=email-changed")
            let page = try await browser.get("/kundavdelning/kontaktuppgifter?notice=email-changed").body.string
            #expect(page.contains("Din e-postadress är ändrad."))
            #expect(page.contains("<strong>ny@example.se</strong>"))
        }
    }

    @Test("The confirmation link expires after 24 hours")
    func emailChangeExpiry() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let browser = try await AreaFixtures.browser(context)
            try await browser.get("/kundavdelning/kontaktuppgifter")
            try await browser.post("/kundavdelning/kontaktuppgifter/e-post", ["new_email": "ny@example.se", "current_password": Fixtures.password])
            let path = try #require(try await confirmationPath(context.app, to: "ny@example.se"))
            let other = TestBrowser(app: context.app)

            context.clock.advance(by: 24 * 3600 - 1)
            #expect(try await other.get(path).status == .ok)
            context.clock.advance(by: 2)
            let expired = try await other.get(path)
            let posted = try await other.post(path, [:])

            #expect(expired.status == .gone)
            #expect(expired.body.string.contains("Länken fungerar inte längre"))
            #expect(posted.status == .gone)
            #expect(try await Customer.find(customer.id, on: context.app.db)?.email == "kund@example.se")
        }
    }

    @Test("A newer request revokes the earlier link")
    func newerLinkRevokes() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = try await AreaFixtures.browser(context)
            try await browser.get("/kundavdelning/kontaktuppgifter")
            try await browser.post("/kundavdelning/kontaktuppgifter/e-post", ["new_email": "forsta@example.se", "current_password": Fixtures.password])
            let first = try #require(try await confirmationPath(context.app, to: "forsta@example.se"))
            try await browser.get("/kundavdelning/kontaktuppgifter")
            try await browser.post("/kundavdelning/kontaktuppgifter/e-post", ["new_email": "andra@example.se", "current_password": Fixtures.password])

            #expect(try await TestBrowser(app: context.app).get(first).status == .gone)
            #expect(try await TestBrowser(app: context.app).get(try #require(try await confirmationPath(context.app, to: "andra@example.se"))).status == .ok)
        }
    }

    @Test("A wrong current password, a bad or unchanged address, or a taken address are refused")
    func emailChangeRefused() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            try await Fixtures.customer(context.app, email: "upptagen@example.se", name: "Annan")
            let browser = try await AreaFixtures.browser(context)

            try await browser.get("/kundavdelning/kontaktuppgifter")
            let wrongPassword = try await browser.post("/kundavdelning/kontaktuppgifter/e-post", ["new_email": "ny@example.se", "current_password": "fel lösenord helt klart"])
            let taken = try await browser.post("/kundavdelning/kontaktuppgifter/e-post", ["new_email": "upptagen@example.se", "current_password": Fixtures.password])
            let invalid = try await browser.post("/kundavdelning/kontaktuppgifter/e-post", ["new_email": "inte en adress", "current_password": Fixtures.password])
            let unchanged = try await browser.post("/kundavdelning/kontaktuppgifter/e-post", ["new_email": "KUND@example.se", "current_password": Fixtures.password])
            // Without the password, whether an address is taken is not told.
            let takenWithoutPassword = try await browser.post("/kundavdelning/kontaktuppgifter/e-post", ["new_email": "upptagen@example.se", "current_password": "fel"])

            #expect(wrongPassword.status == .unprocessableEntity)
            #expect(wrongPassword.body.string.contains("Det nuvarande lösenordet stämmer inte."))
            #expect(wrongPassword.body.string.contains(#"value="ny@example.se""#))
            #expect(taken.body.string.contains("Adressen används redan av ett annat kundkonto."))
            #expect(invalid.body.string.contains("Skriv en e-postadress"))
            #expect(unchanged.body.string.contains("Det är redan din registrerade e-postadress."))
            #expect(!takenWithoutPassword.body.string.contains("används redan"))
            #expect(try await EmailChangeToken.query(on: context.app.db).count() == 0)
            #expect(try await OutboxReader.mails(context.app).isEmpty)
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "current_password.rejected").count() == 2)
        }
    }

    @Test("Wrong current passwords are throttled")
    func currentPasswordThrottle() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = try await AreaFixtures.browser(context)
            try await browser.get("/kundavdelning/kontaktuppgifter")

            for _ in 0..<5 {
                try await browser.post("/kundavdelning/kontaktuppgifter/losenord", ["current_password": "gissning", "new_password": Self.newPassword, "new_password_confirmation": Self.newPassword])
            }
            let throttled = try await browser.post("/kundavdelning/kontaktuppgifter/losenord", ["current_password": Fixtures.password, "new_password": Self.newPassword, "new_password_confirmation": Self.newPassword])

            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.body.string.contains("För många felaktiga försök."))
            context.clock.advance(by: 31)
            let allowed = try await browser.post("/kundavdelning/kontaktuppgifter/losenord", ["current_password": Fixtures.password, "new_password": Self.newPassword, "new_password_confirmation": Self.newPassword])
            #expect(allowed.status == .seeOther)
        }
    }

    @Test("Changing the password ends every other session but keeps this one, revokes reset links and sends a mail")
    func passwordChange() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let phone = try await AreaFixtures.browser(context)
            let laptop = try await AreaFixtures.browser(context)
            let resetToken = try await ResetLinkIssuer(services: context.app.portier).issue(for: customer.id!, purpose: .reset, on: context.app.db)
            try await laptop.get("/kundavdelning/kontaktuppgifter")

            let response = try await laptop.post("/kundavdelning/kontaktuppgifter/losenord", [
                "current_password": Fixtures.password, "new_password": Self.newPassword, "new_password_confirmation": Self.newPassword,
            ])

            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/kundavdelning/kontaktuppgifter?notice=password-changed")
            let page = try await laptop.get("/kundavdelning/kontaktuppgifter?notice=password-changed")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Ditt lösenord är bytt."))
            #expect(try await phone.get("/kundavdelning").status == .seeOther)
            #expect(try await AuthSession.query(on: context.app.db).count() == 1)
            #expect(try await PasswordResetToken.find(token: resetToken, on: context.app.db)?.revokedAt != nil)
            let mail = try #require(try await OutboxReader.mails(context.app, to: "kund@example.se").last)
            #expect(mail.subject == "Ditt lösenord har ändrats")
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "password.changed").count() == 1)
            #expect(try await TestBrowser(app: context.app).logIn(email: "kund@example.se", password: Self.newPassword).status == .seeOther)
            #expect(try await TestBrowser(app: context.app).logIn(email: "kund@example.se", password: Fixtures.password).status == .unauthorized)
        }
    }

    @Test("A wrong current password or a weak new one changes nothing")
    func passwordChangeRefused() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let other = try await AreaFixtures.browser(context)
            let browser = try await AreaFixtures.browser(context)
            try await browser.get("/kundavdelning/kontaktuppgifter")
            // (The second browser's login mailed "Ny inloggning på ditt konto".)
            let mailsBefore = try await OutboxReader.mails(context.app).count

            let wrong = try await browser.post("/kundavdelning/kontaktuppgifter/losenord", ["current_password": "fel fel fel fel", "new_password": Self.newPassword, "new_password_confirmation": Self.newPassword])
            let weak = try await browser.post("/kundavdelning/kontaktuppgifter/losenord", ["current_password": Fixtures.password, "new_password": "kort", "new_password_confirmation": "kort"])
            let mismatch = try await browser.post("/kundavdelning/kontaktuppgifter/losenord", ["current_password": Fixtures.password, "new_password": Self.newPassword, "new_password_confirmation": "något annat långt"])

            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("Det nuvarande lösenordet stämmer inte."))
            #expect(weak.status == .unprocessableEntity)
            #expect(weak.body.string.contains("minst 12 tecken"))
            #expect(mismatch.body.string.contains("stämmer inte överens"))
            #expect(try await other.get("/kundavdelning").status == .ok)
            #expect(try await OutboxReader.mails(context.app).count == mailsBefore)
            #expect(try await TestBrowser(app: context.app).logIn(email: "kund@example.se", password: Fixtures.password).status == .seeOther)
        }
    }
}
