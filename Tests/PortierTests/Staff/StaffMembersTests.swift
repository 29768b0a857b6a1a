import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Portier

/// Medarbetare (admins): add a member (the set-password mail goes through the outbox), disable and
/// enable, reset a member's second factor, a new set-password link — each audited with the admin.
@Suite("Staff: Medarbetare")
struct StaffMembersTests {
    private func admin(_ context: TestContext) async throws -> (StaffMember, TestBrowser) {
        let admin = try await Fixtures.staffMember(context.app, role: .admin, name: "Ada Admin")
        let browser = TestBrowser(app: context.app)
        try await browser.logInAsStaff(admin, now: context.clock.now())
        try await browser.get(SitePath.staffMembers.path)
        return (admin, browser)
    }

    /// The set-password path in the newest mail to `email`.
    private func linkPath(_ app: Application, to email: String) async throws -> String {
        let mail = try #require(try await OutboxReader.mails(app, to: email).last)
        let range = try #require(mail.textBody.range(of: #"http://[^\s]+/personal/losenord/[A-Za-z0-9_-]+"#, options: .regularExpression))
        return try #require(URL(string: String(mail.textBody[range]))).path
    }

    @Test("An admin adds a member: mailed a one-time link, chooses a password, sets up the authenticator at the first login")
    func create() async throws {
        try await withPortierApp { context in
            let (admin, browser) = try await admin(context)
            let page = try await browser.get(SitePath.staffMembers.path)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Ada Admin"))

            let created = try await browser.post(SitePath.staffMembers.path, ["name": "Sara Support", "email": "Sara@Portier.example.se", "role": "support", "language": "en"])
            #expect(created.status == .seeOther)
            #expect(created.headers.first(name: .location) == "/personal/medarbetare?notice=created")
            let list = try await browser.get("/personal/medarbetare?notice=created")
            #expect(list.body.string.contains("Medarbetaren är tillagd"))
            #expect(list.body.string.contains("sara@portier.example.se"))

            let member = try #require(try await StaffMember.find(email: "sara@portier.example.se", on: context.app.db))
            #expect(member.role == .support)
            #expect(member.passwordHash == nil)
            #expect(member.language == "en")
            let mail = try #require(try await OutboxReader.mails(context.app, to: "sara@portier.example.se").first)
            #expect(mail.subject == "Choose the password for your staff account")
            #expect(mail.carriesSecretLink)
            let events = try await AuditEvent.query(on: context.app.db).filter(\.$email == "sara@portier.example.se").all()
            #expect(Set(events.map(\.kind)) == ["staff.created", "staff.password_link.created"])
            #expect(events.allSatisfy { $0.staffID == admin.id })

            let path = try await linkPath(context.app, to: "sara@portier.example.se")
            let member2 = TestBrowser(app: context.app)
            try await member2.get(path)
            #expect(try await member2.post(path, ["password": Fixtures.password, "password_confirmation": Fixtures.password]).status == .seeOther)
            let login = try await StaffLoginTests.logIn(member2, email: "sara@portier.example.se")
            #expect(login.headers.first(name: .location) == "/personal/logga-in/aktivera")
        }
    }

    @Test("A form with mistakes is answered field by field; nothing is created", arguments: [
        (["name": "", "email": "ny@portier.example.se", "role": "support", "language": "sv"], "Skriv medarbetarens namn"),
        (["name": "Ny", "email": "inte-en-adress", "role": "support", "language": "sv"], "Skriv en giltig e-postadress"),
        (["name": "Ny", "email": "admin@portier.example", "role": "support", "language": "sv"], "Det finns redan en medarbetare med den e-postadressen"),
        (["name": "Ny", "email": "ny@portier.example.se", "role": "chef", "language": "sv"], "Välj en av rollerna"),
        (["name": "Ny", "email": "ny@portier.example.se", "role": "editor", "language": "de"], "Välj svenska eller engelska"),
    ])
    func mistakes(fields: [String: String], message: String) async throws {
        try await withPortierApp { context in
            let (_, browser) = try await admin(context)
            let response = try await browser.post(SitePath.staffMembers.path, fields)
            #expect(response.status == .unprocessableEntity)
            #expect(response.body.string.contains(message))
            #expect(response.body.string.contains(#"aria-invalid="true""#))
            #expect(try await StaffMember.query(on: context.app.db).count() == 1)
            #expect(try await OutboxReader.mails(context.app).isEmpty)
        }
    }

    @Test("Disabling ends the member's sessions and refuses their login; enabling lets them in again")
    func disableAndEnable() async throws {
        try await withPortierApp { context in
            let (admin, browser) = try await admin(context)
            let member = try await StaffLoginTests.member(context.app, role: .editor)
            let memberBrowser = TestBrowser(app: context.app)
            _ = try await StaffLoginTests.enrol(context, memberBrowser)
            #expect(try await memberBrowser.get("/personal").status == .ok)

            let id = try member.requireID()
            let disabled = try await browser.post(SiteURL.staffMember(.value(id), .disable).path, [:])
            #expect(disabled.headers.first(name: .location) == "/personal/medarbetare?notice=disabled")
            #expect(try await memberBrowser.get("/personal").status == .seeOther)
            #expect(try await StaffLoginTests.logIn(TestBrowser(app: context.app)).status == .unauthorized)

            try await browser.get(SitePath.staffMembers.path)
            #expect(try await browser.post(SiteURL.staffMember(.value(id), .enable).path, [:]).headers.first(name: .location) == "/personal/medarbetare?notice=enabled")
            #expect(try await StaffLoginTests.logIn(TestBrowser(app: context.app)).headers.first(name: .location) == "/personal/logga-in/kod")

            let kinds = try await AuditEvent.query(on: context.app.db).filter(\.$staffID == admin.id).filter(\.$email == member.email).all().map(\.kind)
            #expect(kinds.sorted() == ["staff.disabled", "staff.enabled"])
        }
    }

    @Test("Resetting a member's second factor removes their authenticator and backup codes; they set it up again at the next login")
    func resetSecondFactor() async throws {
        try await withPortierApp { context in
            let (admin, browser) = try await admin(context)
            let member = try await StaffLoginTests.member(context.app, role: .support)
            let memberID = try member.requireID()
            let memberBrowser = TestBrowser(app: context.app)
            let (oldSecret, _) = try await StaffLoginTests.enrol(context, memberBrowser)
            #expect(try await browser.get(SitePath.staffMembers.path).body.string.contains(SiteURL.staffMember(.value(memberID), .resetSecondFactor).path))

            let reset = try await browser.post(SiteURL.staffMember(.value(memberID), .resetSecondFactor).path, [:])
            #expect(reset.headers.first(name: .location) == "/personal/medarbetare?notice=second-factor-reset")
            #expect(try await TOTPCredential.find(for: .staff(memberID), on: context.app.db) == nil)
            #expect(try await BackupCode.remaining(for: .staff(memberID), on: context.app.db) == 0)
            #expect(try await memberBrowser.get("/personal").status == .seeOther)

            let again = TestBrowser(app: context.app)
            #expect(try await StaffLoginTests.logIn(again).headers.first(name: .location) == "/personal/logga-in/aktivera")
            let page = try await again.get("/personal/logga-in/aktivera")
            #expect(TwoStepFixtures.secret(in: page.body.string) != oldSecret)
            let event = try #require(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "staff.two_step.reset").first())
            #expect(event.staffID == admin.id)
            #expect(event.email == member.email)
        }
    }

    @Test("An admin cannot disable or reset their own account; a new link goes to the member by mail")
    func ownAccountAndLink() async throws {
        try await withPortierApp { context in
            let (admin, browser) = try await admin(context)
            let adminID = try admin.requireID()
            let refused = try await browser.post(SiteURL.staffMember(.value(adminID), .disable).path, [:])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Du kan inte stänga av eller nollställa ditt eget konto"))
            #expect(try await StaffMember.find(adminID, on: context.app.db)?.isDisabled == false)
            #expect(try await browser.post(SiteURL.staffMember(.value(adminID), .resetSecondFactor).path, [:]).status == .unprocessableEntity)
            #expect(try await browser.post(SiteURL.staffMember(.value(UUID()), .disable).path, [:]).status == .notFound)

            let member = try await StaffLoginTests.member(context.app, role: .editor)
            try await browser.get(SitePath.staffMembers.path)
            let sent = try await browser.post(SiteURL.staffMember(.value(try member.requireID()), .sendPasswordLink).path, [:])
            #expect(sent.headers.first(name: .location) == "/personal/medarbetare?notice=link-sent")
            let path = try await linkPath(context.app, to: member.email)
            #expect(try await TestBrowser(app: context.app).get(path).status == .ok)
        }
    }

    @Test("Medarbetare in English")
    func english() async throws {
        try await withPortierApp { context in
            let (_, browser) = try await admin(context)
            browser.setCookie("portier_lang", "en")
            let page = try await browser.get(SitePath.staffMembers.path)
            #expect(page.body.string.contains("Add a staff member"))
        }
    }
}
