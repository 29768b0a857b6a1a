import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import WebAuthnTestSupport
@testable import Portier

/// A staff member's passkeys: Mitt konto (adding, renaming, removing, the password), the staff
/// login with a passkey, and the wall between staff keys and customer keys.
@Suite("Passkeys: staff members")
struct StaffPasskeyTests {
    static let accountPath = SitePath.staffAccount.path

    /// A staff member logged in with password and code, on Mitt konto.
    static func staff(_ context: TestContext, role: StaffRole = .support, email: String? = nil) async throws -> (StaffMember, TestBrowser) {
        let member = try await Fixtures.staffMember(context.app, role: role, email: email)
        let browser = TestBrowser(app: context.app)
        try await browser.logInAsStaff(member, now: context.clock.now())
        try await browser.get(accountPath)
        return (member, browser)
    }

    static func registrationOptions(_ browser: TestBrowser, name: String = "Jobbdatorn", password: String? = nil) async throws -> TestingHTTPResponse {
        try await browser.get(accountPath)
        var body: [String: Any] = ["name": name]
        if let password { body["current_password"] = password }
        return try await browser.postJSON(SitePath.staffPasskeyOptions.path, body)
    }

    @discardableResult
    static func register(_ context: TestContext, _ browser: TestBrowser, _ authenticator: SoftwareAuthenticator, name: String = "Jobbdatorn") async throws -> TestingHTTPResponse {
        let options = try await registrationOptions(browser, name: name)
        #expect(options.status == .ok, "\(options.body.string)")
        let credential = authenticator.register(options: try PasskeyFixtures.json(options), origin: PasskeyFixtures.origin(context))
        return try await browser.postJSON(SitePath.staffPasskeys.path, ["name": name, "credential": credential])
    }

    /// Logs in with `authenticator` from the staff login page.
    static func logIn(_ context: TestContext, _ browser: TestBrowser, _ authenticator: SoftwareAuthenticator, next: String? = nil) async throws -> TestingHTTPResponse {
        try await browser.get(SitePath.staffLogin.path)
        let options = try await browser.postJSON(SitePath.staffPasskeyLoginOptions.path, [:])
        #expect(options.status == .ok, "\(options.body.string)")
        let credential = authenticator.assert(options: try PasskeyFixtures.json(options), origin: PasskeyFixtures.origin(context))
        var body: [String: Any] = ["credential": credential]
        if let next { body["next"] = next }
        return try await browser.postJSON(SitePath.staffPasskeyLogin.path, body)
    }

    static func count(_ kind: AuditEvent.Kind, _ context: TestContext) async throws -> Int {
        try await AuditEvent.query(on: context.app.db).filter(\.$kind == kind.rawValue).count()
    }

    @Test("Mitt konto shows the member's details, the password form and Lösennycklar; the staff login offers passkeys")
    func pages() async throws {
        try await withPortierApp { context in
            let (_, browser) = try await Self.staff(context, email: "sara@portier.example")
            let page = try await browser.get(Self.accountPath)
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("sara@portier.example"))
            #expect(html.contains("Sam Support"))
            #expect(html.contains(#"action="/personal/mitt-konto/losenord""#))
            #expect(html.contains(#"data-options="/personal/mitt-konto/losennycklar/alternativ""#))
            #expect(html.contains(#"data-finish="/personal/mitt-konto/losennycklar""#))
            #expect(html.contains("Du har inga lösennycklar än."))
            #expect(html.contains(#"aria-current="page">Mitt konto"#))

            let login = try await TestBrowser(app: context.app).get(SitePath.staffLogin.path).body.string
            #expect(login.contains(#"autocomplete="username webauthn""#))
            #expect(login.contains(#"data-options="/personal/logga-in/losennyckel/alternativ""#))
            #expect(login.contains("Logga in med lösennyckel"))
            #expect(login.contains(#"<script src="/js/passkeys.js" defer></script>"#))
        }
    }

    @Test("A staff member adds a passkey and logs in with it: two factors, no code step, audited, no customer mail")
    func registerAndLogIn() async throws {
        try await withPortierApp { context in
            let (member, browser) = try await Self.staff(context)
            let authenticator = SoftwareAuthenticator()
            let added = try await Self.register(context, browser, authenticator)
            #expect(added.status == .ok, "\(added.body.string)")
            #expect(try PasskeyFixtures.json(added)["redirect"] as? String == "/personal/mitt-konto?notice=passkey-added#losennycklar")
            let key = try #require(try await PasskeyCredential.query(on: context.app.db).first())
            #expect(key.subjectKind == .staff)
            #expect(key.subjectID == member.id)
            let page = try await browser.get("/personal/mitt-konto?notice=passkey-added").body.string
            #expect(page.contains("Jobbdatorn"))
            #expect(page.contains("Lösennyckeln är tillagd."))
            #expect(try await Self.count(.staffPasskeyAdded, context) == 1)
            #expect(try await OutboxReader.mails(context.app, to: member.email).isEmpty)

            context.clock.advance(by: 60)
            let fresh = TestBrowser(app: context.app)
            let response = try await Self.logIn(context, fresh, authenticator, next: "/personal/mitt-konto")
            #expect(response.status == .ok, "\(response.body.string)")
            #expect(try PasskeyFixtures.json(response)["redirect"] as? String == "/personal/mitt-konto")
            #expect(response.headers.setCookie?["portier_staff_session"] != nil)
            #expect(response.headers.setCookie?["portier_session"] == nil)
            #expect(try await fresh.get(SitePath.staffArea.path).status == .ok)
            let session = try #require(try await AuthSession.query(on: context.app.db).filter(\.$strength == .passkey).first())
            #expect(session.subjectKind == .staff)
            #expect(session.staffID == member.id)
            #expect(session.isSecondFactorPending == false)
            let succeeded = try await AuditEvent.query(on: context.app.db).filter(\.$kind == AuditEvent.Kind.staffLoginSucceeded.rawValue).all()
            #expect(succeeded.map(\.details) == ["passkey"])
            #expect(try await Self.count(.staffPasskeyUsed, context) == 1)
            #expect(try await Self.count(.staffSecondFactorRequired, context) == 0)
            let used = try #require(try await PasskeyCredential.query(on: context.app.db).first())
            #expect(used.lastUsedAt == context.clock.now())
        }
    }

    @Test("A staff key does not log in a customer, nor a customer key a staff member: both refused as unknown keys")
    func wrongKindRefused() async throws {
        try await withPortierApp { context in
            let (_, staffBrowser) = try await Self.staff(context)
            let staffKey = SoftwareAuthenticator()
            #expect(try await Self.register(context, staffBrowser, staffKey).status == .ok)
            let (_, customerKey) = try await PasskeyFixtures.customerWithPasskey(context)
            let unknown = PasskeyFixtures.message(context, "passkeys.error.unknown_key")

            let atCustomerLogin = TestBrowser(app: context.app)
            let asCustomer = try await PasskeyFixtures.logIn(context, atCustomerLogin, staffKey)
            #expect(asCustomer.status == .unauthorized)
            #expect(try PasskeyFixtures.error(asCustomer) == unknown)
            #expect(try await atCustomerLogin.get(SitePath.customerArea.path).status == .seeOther)

            let atStaffLogin = TestBrowser(app: context.app)
            let asStaff = try await Self.logIn(context, atStaffLogin, customerKey)
            #expect(asStaff.status == .unauthorized)
            #expect(try PasskeyFixtures.error(asStaff) == unknown)
            #expect(try await atStaffLogin.get(SitePath.staffArea.path).status == .seeOther)

            #expect(try await AuthSession.query(on: context.app.db).filter(\.$strength == .passkey).count() == 0)
            #expect(try await Self.count(.passkeyLoginFailed, context) == 1)
            #expect(try await Self.count(.staffPasskeyLoginFailed, context) == 1)
            // Neither key was touched: each still works where it belongs.
            #expect(try await Self.logIn(context, TestBrowser(app: context.app), staffKey).status == .ok)
            #expect(try await PasskeyFixtures.logIn(context, TestBrowser(app: context.app), customerKey).status == .ok)
        }
    }

    @Test("A disabled staff member cannot log in with a passkey")
    func disabledRefused() async throws {
        try await withPortierApp { context in
            let (member, browser) = try await Self.staff(context)
            let authenticator = SoftwareAuthenticator()
            #expect(try await Self.register(context, browser, authenticator).status == .ok)
            member.isDisabled = true
            try await member.save(on: context.app.db)

            let attempt = TestBrowser(app: context.app)
            let response = try await Self.logIn(context, attempt, authenticator)
            #expect(response.status == .unauthorized)
            #expect(try PasskeyFixtures.error(response) == PasskeyFixtures.message(context, "passkeys.error.verification_failed"))
            #expect(response.headers.setCookie?["portier_staff_session"] == nil)
            #expect(try await attempt.get(SitePath.staffArea.path).status == .seeOther)
            let failed = try await AuditEvent.query(on: context.app.db).filter(\.$kind == AuditEvent.Kind.staffLoginFailed.rawValue).all()
            #expect(failed.map(\.details) == ["disabled (passkey)"])
            #expect(try await Self.count(.staffLoginSucceeded, context) == 0)
        }
    }

    @Test("Adding needs a login of the last ten minutes or the password; removing needs the password; renaming works")
    func passwordRules() async throws {
        try await withPortierApp { context in
            let (_, browser) = try await Self.staff(context)
            #expect(try await Self.register(context, browser, SoftwareAuthenticator(), name: "Första").status == .ok)
            let key = try #require(try await PasskeyCredential.query(on: context.app.db).first())
            let id = try key.requireID()

            context.clock.advance(by: 11 * 60)
            let stale = try await browser.get(Self.accountPath).body.string
            #expect(!stale.contains(#"id="passkey-password-field" hidden"#))
            let without = try await Self.registrationOptions(browser)
            #expect(without.status == .forbidden)
            #expect(try PasskeyFixtures.json(without)["needsPassword"] as? Bool == true)
            #expect(try PasskeyFixtures.error(without) == PasskeyFixtures.message(context, "passkeys.error.password_needed"))
            let wrong = try await Self.registrationOptions(browser, password: "fel lösenord helt och hållet")
            #expect(wrong.status == .forbidden)
            #expect(try await Self.count(.staffCurrentPasswordRejected, context) == 1)
            let right = try await Self.registrationOptions(browser, password: Fixtures.staffPassword)
            #expect(right.status == .ok)

            try await browser.get(Self.accountPath)
            let renamed = try await browser.post(SiteURL.staffPasskey(.value(id), .rename).path, ["name": "Bärbara datorn"])
            #expect(renamed.status == .seeOther)
            #expect(try await PasskeyCredential.find(id, on: context.app.db)?.name == "Bärbara datorn")
            try await browser.get(Self.accountPath)
            let badName = try await browser.post(SiteURL.staffPasskey(.value(id), .rename).path, ["name": "  "])
            #expect(badName.status == .unprocessableEntity)
            #expect(badName.body.string.contains("Skriv ett namn på lösennyckeln."))

            try await browser.get(Self.accountPath)
            let refused = try await browser.post(SiteURL.staffPasskey(.value(id), .remove).path, ["current_password": "inte rätt lösenord"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains(PasskeyFixtures.message(context, "area.error.current_password_wrong")))
            #expect(try await PasskeyCredential.find(id, on: context.app.db) != nil)
            let removed = try await browser.post(SiteURL.staffPasskey(.value(id), .remove).path, ["current_password": Fixtures.staffPassword])
            #expect(removed.status == .seeOther)
            #expect(removed.headers.first(name: .location) == "/personal/mitt-konto?notice=passkey-removed#losennycklar")
            #expect(try await PasskeyCredential.find(id, on: context.app.db) == nil)
            let events = try await AuditEvent.query(on: context.app.db).filter(\.$kind ~~ ["staff.passkey.renamed", "staff.passkey.removed"]).all()
            #expect(events.count == 2)
            #expect(events.allSatisfy { $0.staffID != nil && $0.customerID == nil })
        }
    }

    @Test("A colleague's key (or a customer's) is 404 for renaming and removing")
    func otherKeys() async throws {
        try await withPortierApp { context in
            let (_, owner) = try await Self.staff(context, role: .editor)
            #expect(try await Self.register(context, owner, SoftwareAuthenticator()).status == .ok)
            try await PasskeyFixtures.customerWithPasskey(context)
            let (_, colleague) = try await Self.staff(context, role: .admin)
            for key in try await PasskeyCredential.query(on: context.app.db).all() {
                let id = try key.requireID()
                #expect(try await colleague.post(SiteURL.staffPasskey(.value(id), .rename).path, ["name": "Min nu"]).status == .notFound)
                #expect(try await colleague.post(SiteURL.staffPasskey(.value(id), .remove).path, ["current_password": Fixtures.staffPassword]).status == .notFound)
            }
            #expect(try await PasskeyCredential.query(on: context.app.db).count() == 2)
        }
    }

    @Test("An admin's reset of a member's second factor removes the member's passkeys too (a lost phone holds both)")
    func resetRemovesPasskeys() async throws {
        try await withPortierApp { context in
            let (member, memberBrowser) = try await Self.staff(context, role: .support)
            let authenticator = SoftwareAuthenticator()
            #expect(try await Self.register(context, memberBrowser, authenticator).status == .ok)
            let (_, admin) = try await Self.staff(context, role: .admin)
            try await admin.get(SitePath.staffMembers.path)
            let reset = try await admin.post(SiteURL.staffMember(.value(try member.requireID()), .resetSecondFactor).path, [:])
            #expect(reset.status == .seeOther)
            #expect(try await PasskeyCredential.query(on: context.app.db).count() == 0)
            let response = try await Self.logIn(context, TestBrowser(app: context.app), authenticator)
            #expect(response.status == .unauthorized)
            #expect(try PasskeyFixtures.error(response) == PasskeyFixtures.message(context, "passkeys.error.unknown_key"))
        }
    }

    @Test("Changing the password on Mitt konto: the current one and the rules are checked, other sessions end")
    func changePassword() async throws {
        try await withPortierApp { context in
            let (member, browser) = try await Self.staff(context)
            let other = TestBrowser(app: context.app)
            try await other.logInAsStaff(member, now: context.clock.now())
            let newPassword = "ett helt nytt personallösenord 2027"

            try await browser.get(Self.accountPath)
            let wrong = try await browser.post(SitePath.staffChangePassword.path, ["current_password": "fel", "new_password": newPassword, "new_password_confirmation": newPassword])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains(PasskeyFixtures.message(context, "area.error.current_password_wrong")))
            let short = try await browser.post(SitePath.staffChangePassword.path, ["current_password": Fixtures.staffPassword, "new_password": "kort", "new_password_confirmation": "kort"])
            #expect(short.status == .unprocessableEntity)
            #expect(short.body.string.contains(#"id="new_password-error""#))

            let changed = try await browser.post(SitePath.staffChangePassword.path, ["current_password": Fixtures.staffPassword, "new_password": newPassword, "new_password_confirmation": newPassword])
            #expect(changed.status == .seeOther)
            #expect(changed.headers.first(name: .location) == "/personal/mitt-konto?notice=password-changed")
            let stored = try #require(try await StaffMember.find(member.id, on: context.app.db)?.passwordHash)
            #expect(try await context.app.passwordHasher.verify(newPassword, against: stored))
            #expect(try await browser.get(Self.accountPath).status == .ok)
            #expect(try await other.get(Self.accountPath).status == .seeOther)
            #expect(try await Self.count(.staffPasswordChanged, context) == 1)
        }
    }
}
