import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Portier

@Suite("Two-step: the Säkerhet page")
struct SecurityPageTests {
    @Test("Säkerhet is linked from the navigation and Kontaktuppgifter, and the set-up shows QR code, secret and otpauth link")
    func enrolmentPage() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)
            let contact = try await browser.get("/kundavdelning/kontaktuppgifter")
            #expect(contact.body.string.components(separatedBy: #"href="/kundavdelning/sakerhet""#).count == 3)   // nav + section

            let off = try await browser.get("/kundavdelning/sakerhet")
            #expect(off.body.string.contains("Slå på tvåstegsverifiering"))
            #expect(TwoStepFixtures.secret(in: off.body.string) == nil)
            try await browser.post("/kundavdelning/sakerhet/tvastegsverifiering", [:])
            let setup = try await browser.get("/kundavdelning/sakerhet").body.string

            let secret = try #require(TwoStepFixtures.secret(in: setup))
            #expect(secret.count == 20)
            #expect(setup.contains(#"<svg xmlns="http://www.w3.org/2000/svg""#))
            #expect(setup.contains(#"aria-label="QR-kod att skanna med autentiseringsappen""#))
            #expect(setup.contains("otpauth://totp/Portier:kund%40example.se?secret=" + Base32.encode(secret)))
            #expect(setup.range(of: #"id="two-step-secret">([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>"#, options: .regularExpression) != nil)

            let confirmed = try await browser.post("/kundavdelning/sakerhet/tvastegsverifiering/bekrafta", ["code": TOTPGenerator(secret: secret).code(at: context.clock.now())])
            #expect(confirmed.body.string.contains("Dina reservkoder"))
            // Once it is on, the secret is never on the page again.
            let on = try await browser.get("/kundavdelning/sakerhet").body.string
            #expect(!on.contains(Base32.encode(secret)))
            #expect(!on.contains("otpauth://"))
            #expect(TwoStepFixtures.backupCodes(in: on).isEmpty)
            #expect(on.contains("Reservkoder kvar: 10 av 10."))
        }
    }

    @Test("Turning on is mailed and audited; a wrong code does not turn it on")
    func enablingIsMailedAndAudited() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)
            try await browser.get("/kundavdelning/sakerhet")
            try await browser.post("/kundavdelning/sakerhet/tvastegsverifiering", [:])
            let secret = try #require(TwoStepFixtures.secret(in: try await browser.get("/kundavdelning/sakerhet").body.string))

            let wrong = try await browser.post("/kundavdelning/sakerhet/tvastegsverifiering/bekrafta", ["code": TwoStepFixtures.wrongCode(secret: secret, at: context.clock.now())])
            #expect(wrong.status == .unprocessableEntity)
            #expect(TwoStepFixtures.secret(in: wrong.body.string) == secret)
            #expect(try await OutboxReader.mails(context.app).isEmpty)

            try await browser.post("/kundavdelning/sakerhet/tvastegsverifiering/bekrafta", ["code": TOTPGenerator(secret: secret).code(at: context.clock.now())])
            let mails = try await OutboxReader.mails(context.app, to: "kund@example.se")
            #expect(mails.map(\.subject) == ["Tvåstegsverifiering är påslagen"])
            #expect(!mails[0].textBody.contains(Base32.encode(secret)))
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "two_step.enabled").count() == 1)
        }
    }

    @Test("Turning off needs the current password and a code, and is mailed and audited")
    func disabling() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            let enabled = try await TwoStepFixtures.enable(context, browser: browser)
            let code = enabled.code(at: context.clock.now())

            let noPassword = try await browser.post("/kundavdelning/sakerhet/tvastegsverifiering/stang-av", ["current_password": "fel lösenord för karin", "code": code])
            #expect(noPassword.status == .unprocessableEntity)
            let noCode = try await browser.post("/kundavdelning/sakerhet/tvastegsverifiering/stang-av", ["current_password": Fixtures.password, "code": TwoStepFixtures.wrongCode(secret: enabled.secret, at: context.clock.now())])
            #expect(noCode.status == .unprocessableEntity)
            #expect(try await TOTPCredential.query(on: context.app.db).count() == 1)

            let off = try await browser.post("/kundavdelning/sakerhet/tvastegsverifiering/stang-av", ["current_password": Fixtures.password, "code": code])
            #expect(off.headers.first(name: .location) == "/kundavdelning/sakerhet?notice=two-step-disabled")
            #expect(try await TOTPCredential.query(on: context.app.db).count() == 0)
            #expect(try await BackupCode.query(on: context.app.db).count() == 0)
            let mails = try await OutboxReader.mails(context.app, to: "kund@example.se").map(\.subject)
            #expect(mails.contains("Tvåstegsverifiering är avstängd"))
            let kinds = try await AuditEvent.query(on: context.app.db).all().map(\.kind)
            #expect(kinds.contains("two_step.disabled"))
            #expect(kinds.contains("current_password.rejected"))
            #expect(kinds.contains("login.second_factor_failed"))
            // Off means the password alone logs in again.
            let login = try await TestBrowser(app: context.app).logIn(email: "kund@example.se", password: Fixtures.password)
            #expect(login.headers.first(name: .location) == "/kundavdelning")
        }
    }

    @Test("New backup codes need the password and a code, void the old set, are mailed, audited and downloadable")
    func newBackupCodes() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            let enabled = try await TwoStepFixtures.enable(context, browser: browser)

            let refused = try await browser.post("/kundavdelning/sakerhet/reservkoder", ["current_password": Fixtures.password, "code": ""])
            #expect(refused.status == .unprocessableEntity)
            // A backup code counts as the code (and is spent).
            let page = try await browser.post("/kundavdelning/sakerhet/reservkoder", ["current_password": Fixtures.password, "code": enabled.backupCodes[0]])
            #expect(page.status == .ok)
            let codes = TwoStepFixtures.backupCodes(in: page.body.string)
            #expect(codes.count == 10)
            #expect(Set(codes).isDisjoint(with: enabled.backupCodes))
            #expect(page.body.string.contains("Du har fått nya reservkoder"))

            let download = try await browser.post("/kundavdelning/sakerhet/reservkoder/ladda-ner", ["codes[]": codes[0]])
            #expect(download.status == .ok)
            #expect(download.headers.first(name: .contentDisposition)?.contains("reservkoder.txt") == true)
            #expect(download.headers.first(name: .contentType)?.hasPrefix("text/plain") == true)
            #expect(download.body.string.contains(codes[0]))
            // A code of the old set is no longer a code: nothing to download.
            try await browser.get("/kundavdelning/sakerhet")
            let old = try await browser.post("/kundavdelning/sakerhet/reservkoder/ladda-ner", ["codes[]": enabled.backupCodes[1]])
            #expect(old.status == .notFound)

            let mails = try await OutboxReader.mails(context.app, to: "kund@example.se").map(\.subject)
            #expect(mails.contains("Nya reservkoder för ditt konto"))
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "backup_codes.replaced").count() == 1)
        }
    }
}
