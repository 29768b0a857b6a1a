import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Portier

@Suite("Logga in som kunden: reason, banner, refused changes, 30-minute end, Avsluta, audit, the customer's event")
struct ImpersonationTests {
    static let reason = "Ärende 5012: fakturan visas inte"

    struct Setup {
        let staff: StaffMember
        let browser: TestBrowser
        let customer: Customer
        var page: String { SiteURL.staffCustomer(.value(customer.id!)).path }
    }

    /// A support member whose browser has started "Logga in som kunden" for Karin Kund.
    private func impersonating(_ context: TestContext) async throws -> Setup {
        let customer = try await Fixtures.customer(context.app)
        let staff = try await Fixtures.staffMember(context.app, role: .support)
        let browser = TestBrowser(app: context.app)
        try await browser.logInAsStaff(staff, now: context.clock.now())
        try await browser.get(SiteURL.staffCustomer(.value(customer.id!)).path)
        let started = try await browser.post(SiteURL.staffCustomer(.value(customer.id!), .impersonate).path, ["reason": Self.reason])
        #expect(started.status == .seeOther)
        #expect(started.headers.first(name: .location) == SitePath.customerArea.path)
        return Setup(staff: staff, browser: browser, customer: customer)
    }

    private func events(_ context: TestContext, _ kind: AuditEvent.Kind) async throws -> [AuditEvent] {
        try await AuditEvent.query(on: context.app.db).filter(\.$kind == kind.rawValue).all()
    }

    @Test("A reason is required")
    func reasonRequired() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let staff = try await Fixtures.staffMember(context.app, role: .admin)
            let browser = TestBrowser(app: context.app)
            try await browser.logInAsStaff(staff, now: context.clock.now())
            for reason in ["", "  ", "ab"] {
                try await browser.get(SiteURL.staffCustomer(.value(customer.id!)).path)
                let refused = try await browser.post(SiteURL.staffCustomer(.value(customer.id!), .impersonate).path, ["reason": reason])
                #expect(refused.status == .unprocessableEntity)
                #expect(refused.body.string.contains("Skriv en orsak: 3 till 500 tecken."))
            }
            #expect(try await AuthSession.query(on: context.app.db).filter(\.$subjectKind == .customer).count() == 0)
            #expect(try await events(context, .impersonationStarted).isEmpty)
        }
    }

    @Test("It starts a marked customer session: banner on every page, audited with the reason, shown to the customer")
    func startAndBanner() async throws {
        try await withPortierApp { context in
            let setup = try await impersonating(context)
            let session = try #require(try await AuthSession.query(on: context.app.db).filter(\.$subjectKind == .customer).first())
            #expect(session.impersonatorStaffID == setup.staff.id)
            #expect(session.$customer.id == setup.customer.id)

            for path in [SitePath.customerArea.path, SitePath.invoices.path, SitePath.help.path] {
                let page = try await setup.browser.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.body.string.contains("Du är inloggad som Karin Kund av Sam Support —"), "\(path)")
                #expect(page.body.string.contains("action=\"\(SitePath.endImpersonation.path)\""), "\(path)")
            }
            // The staff session stays.
            #expect(try await setup.browser.get(setup.page).status == .ok)

            let started = try #require(try await events(context, .impersonationStarted).first)
            #expect(started.staffID == setup.staff.id)
            #expect(started.customerID == setup.customer.id)
            #expect(started.details == Self.reason)

            let customerBrowser = try await AreaFixtures.browser(context)
            let security = try await customerBrowser.get(SitePath.security.path).body.string
            #expect(security.contains("Supporten (Sam Support) loggade in på ditt konto: \(Self.reason)"))
            #expect(!security.contains("Du är inloggad som"))
            // Pages the staff member opens as the customer are audited with the staff member.
            let viewedByStaff = try await AuditEvent.query(on: context.app.db).filter(\.$staffID == setup.staff.id).count()
            #expect(viewedByStaff >= 2)
        }
    }

    @Test("Password, e-mail and second-factor changes are refused while impersonating")
    func refusedChanges() async throws {
        try await withPortierApp { context in
            let setup = try await impersonating(context)
            let attempts: [(String, [String: String])] = [
                (SitePath.changePassword.path, ["current_password": Fixtures.password, "new_password": "ett helt nytt lösenord 2026", "new_password_confirmation": "ett helt nytt lösenord 2026"]),
                (SitePath.changeEmail.path, ["new_email": "annan@example.se", "current_password": Fixtures.password]),
                (SitePath.twoStepStart.path, [:]),
                (SitePath.twoStepConfirm.path, ["code": "123456"]),
                (SitePath.twoStepDisable.path, ["current_password": Fixtures.password, "code": "123456"]),
                (SitePath.backupCodes.path, ["current_password": Fixtures.password, "code": "123456"]),
            ]
            for (path, fields) in attempts {
                try await setup.browser.get(SitePath.contactDetails.path)
                let refused = try await setup.browser.post(path, fields)
                #expect(refused.status == .forbidden, "\(path)")
                #expect(refused.body.string.contains("Lösenord, e-postadress, tvåstegsverifiering och passkeys kan bara kunden själv ändra."), "\(path)")
            }
            let customer = try #require(try await Customer.find(setup.customer.id, on: context.app.db))
            #expect(customer.passwordHash == setup.customer.passwordHash)
            #expect(try await EmailChangeToken.query(on: context.app.db).count() == 0)
            #expect(try await TOTPCredential.query(on: context.app.db).count() == 0)
            #expect(try await events(context, .impersonationChangeRefused).count == attempts.count)
            // Contact details are not credentials: support may fix them as the customer.
            try await setup.browser.get(SitePath.contactDetails.path)
            let details = try await setup.browser.post(SitePath.contactDetails.path, [
                "name": "Karin Kund", "street_address": "Storgatan 1", "postal_code": "123 45", "city": "Sundsvall", "country": "SE",
            ])
            #expect(details.status == .seeOther)
            // The customer's own session may still change them.
            let own = try await AreaFixtures.browser(context)
            try await own.get(SitePath.security.path)
            #expect(try await own.post(SitePath.twoStepStart.path, [:]).status == .seeOther)
        }
    }

    @Test("It ends after 30 minutes, back to the customer's staff page, audited")
    func thirtyMinutes() async throws {
        try await withPortierApp { context in
            let setup = try await impersonating(context)
            for _ in 0..<2 {
                context.clock.advance(by: 14 * 60)
                #expect(try await setup.browser.get(SitePath.customerArea.path).status == .ok)
                // The staff session (15 minutes idle) is kept alive in the same browser.
                #expect(try await setup.browser.get(SitePath.staffArea.path).status == .ok)
            }
            context.clock.advance(by: 2 * 60 + 1)
            let ended = try await setup.browser.get(SitePath.customerArea.path)
            #expect(ended.status == .seeOther)
            let location = try #require(ended.headers.first(name: .location))
            #expect(location == StaffCustomerNotice.impersonationExpired.path(setup.customer.id!))
            let page = try await setup.browser.get(location)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Inloggningen som kunden tog slut efter 30 minuter."))
            #expect(!page.body.string.contains("Du är inloggad som"))
            #expect(try await AuthSession.query(on: context.app.db).filter(\.$subjectKind == .customer).count() == 0)
            let end = try #require(try await events(context, .impersonationEnded).first)
            #expect(end.staffID == setup.staff.id)
            #expect(end.details == "expired")
        }
    }

    @Test("Avsluta ends it and returns to the customer's staff page; the staff session stays")
    func avsluta() async throws {
        try await withPortierApp { context in
            let setup = try await impersonating(context)
            try await setup.browser.get(SitePath.customerArea.path)
            let ended = try await setup.browser.post(SitePath.endImpersonation.path, [:])
            #expect(ended.status == .seeOther)
            #expect(ended.headers.first(name: .location) == StaffCustomerNotice.impersonationEnded.path(setup.customer.id!))
            #expect(try await AuthSession.query(on: context.app.db).filter(\.$subjectKind == .customer).count() == 0)
            let page = try await setup.browser.get(setup.page)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Du är inloggad som") == false)
            #expect(try await setup.browser.get(SitePath.customerArea.path).status == .seeOther)
            let end = try #require(try await events(context, .impersonationEnded).first)
            #expect(end.staffID == setup.staff.id)
            #expect(end.details == "ended")
            // The customer's own session is not a staff session: Avsluta does nothing to it.
            let own = try await AreaFixtures.browser(context)
            try await own.get(SitePath.customerArea.path)
            #expect(try await own.post(SitePath.endImpersonation.path, [:]).headers.first(name: .location) == SitePath.customerArea.path)
            #expect(try await own.get(SitePath.customerArea.path).status == .ok)
        }
    }
    @Test("Staff logout ends every customer session the member started, in any browser, each audited")
    func logoutEndsImpersonation() async throws {
        try await withPortierApp { context in
            let setup = try await impersonating(context)
            // A second browser of the same member, acting as another customer.
            let other = try await Fixtures.customer(context.app, email: "olle@example.se", name: "Olle Annan")
            let second = TestBrowser(app: context.app)
            try await second.logInAsStaff(setup.staff, now: context.clock.now())
            try await second.get(SiteURL.staffCustomer(.value(other.id!)).path)
            #expect(try await second.post(SiteURL.staffCustomer(.value(other.id!), .impersonate).path, ["reason": Self.reason]).status == .seeOther)
            // Another staff member's impersonation and the customer's own session are not touched.
            let colleague = try await Fixtures.staffMember(context.app, role: .admin)
            let third = TestBrowser(app: context.app)
            try await third.logInAsStaff(colleague, now: context.clock.now())
            try await third.get(SiteURL.staffCustomer(.value(other.id!)).path)
            #expect(try await third.post(SiteURL.staffCustomer(.value(other.id!), .impersonate).path, ["reason": Self.reason]).status == .seeOther)
            let own = try await AreaFixtures.browser(context)
            #expect(try await setup.browser.get(SitePath.customerArea.path).status == .ok)
            #expect(try await AuthSession.query(on: context.app.db).filter(\.$impersonatorStaffID == setup.staff.id!).count() == 2)

            try await setup.browser.get(SitePath.staffArea.path)
            let loggedOut = try await setup.browser.post(SitePath.staffLogout.path, [:])
            #expect(loggedOut.status == .seeOther)
            #expect(try await AuthSession.query(on: context.app.db).filter(\.$impersonatorStaffID == setup.staff.id!).count() == 0)
            #expect(try await AuthSession.query(on: context.app.db).filter(\.$staffID == setup.staff.id!).count() == 1, "the second browser's own staff session stays")
            // This browser's customer cookie was the impersonation: gone, no banner, no customer area.
            #expect(try await setup.browser.get(SitePath.customerArea.path).status == .seeOther)
            #expect(try await second.get(SitePath.customerArea.path).status == .seeOther)
            #expect(try await third.get(SitePath.customerArea.path).body.string.contains("Du är inloggad som Olle Annan av Sam Admin"))
            #expect(try await own.get(SitePath.customerArea.path).status == .ok)

            let ended = try await events(context, .impersonationEnded)
            #expect(Set(ended.compactMap(\.customerID)) == [setup.customer.id!, other.id!])
            #expect(ended.allSatisfy { $0.staffID == setup.staff.id && $0.details == "staff logout" })
            #expect(try await events(context, .staffLogout).count == 1)
        }
    }

    @Test("Disabling a staff member ends the customer sessions they started, audited")
    func disableEndsImpersonation() async throws {
        try await withPortierApp { context in
            let setup = try await impersonating(context)
            #expect(try await setup.browser.get(SitePath.customerArea.path).status == .ok)
            let admin = try await Fixtures.staffMember(context.app, role: .admin)
            let adminBrowser = TestBrowser(app: context.app)
            try await adminBrowser.logInAsStaff(admin, now: context.clock.now())
            try await adminBrowser.get(SitePath.staffMembers.path)
            let disabled = try await adminBrowser.post(SiteURL.staffMember(.value(setup.staff.id!), .disable).path, [:])
            #expect(disabled.status == .seeOther)
            #expect(try await AuthSession.query(on: context.app.db).filter(\.$impersonatorStaffID == setup.staff.id!).count() == 0)
            #expect(try await AuthSession.query(on: context.app.db).filter(\.$staffID == setup.staff.id!).count() == 0)
            let ended = try #require(try await events(context, .impersonationEnded).first)
            #expect(ended.customerID == setup.customer.id)
            #expect(ended.staffID == setup.staff.id)
            #expect(ended.details == "staff disabled")
            #expect(try await setup.browser.get(SitePath.customerArea.path).status == .seeOther)
        }
    }
}
