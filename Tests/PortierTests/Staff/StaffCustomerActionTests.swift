import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Portier

@Suite("Personal › Kunder: the customer's page and its actions, each audited")
struct StaffCustomerActionTests {
    struct Setup {
        let staff: StaffMember
        let browser: TestBrowser
        let customer: Customer
        var id: UUID { customer.id! }
        var page: String { SiteURL.staffCustomer(.value(customer.id!)).path }
    }

    private func setUp(_ context: TestContext, role: StaffRole = .support) async throws -> Setup {
        let customer = try await Fixtures.customer(context.app)
        let staff = try await Fixtures.staffMember(context.app, role: role)
        let browser = TestBrowser(app: context.app)
        try await browser.logInAsStaff(staff, now: context.clock.now())
        return Setup(staff: staff, browser: browser, customer: customer)
    }

    /// The newest audit event of `kind`.
    private func event(_ context: TestContext, _ kind: AuditEvent.Kind) async throws -> AuditEvent? {
        try await AuditEvent.query(on: context.app.db).filter(\.$kind == kind.rawValue).sort(\.$occurredAt, .descending).first()
    }

    private func post(_ setup: Setup, _ action: StaffCustomerAction, _ fields: [String: String] = [:]) async throws -> TestingHTTPResponse {
        try await setup.browser.get(setup.page)
        return try await setup.browser.post(SiteURL.staffCustomer(.value(setup.id), action).path, fields)
    }

    @Test("The page shows contact details, services, invoices, tickets, sessions and events; reading it is audited")
    func page() async throws {
        try await withPortierApp { context in
            let setup = try await setUp(context)
            try await AreaFixtures.service(context, for: setup.customer, domain: "karins-blommor.se")
            let invoice = try await AreaFixtures.invoice(context, for: setup.customer)
            try await AreaFixtures.ticket(context, for: setup.customer, subject: "Mejlen kommer inte fram")
            _ = try await AreaFixtures.browser(context)

            let response = try await setup.browser.get(setup.page)
            #expect(response.status == .ok)
            let body = response.body.string
            for text in ["Karin Kund", "kund@example.se", "Kundnummer \(setup.customer.number!)", "karins-blommor.se", ">\(invoice.number)<",
                         "Mejlen kommer inte fram", "Aktiva sessioner", "Okänd enhet", "data-kind=\"login.succeeded\""] {
                #expect(body.contains(text), "\(text)")
            }
            let viewed = try #require(try await event(context, .staffCustomerViewed))
            #expect(viewed.staffID == setup.staff.id)
            #expect(viewed.customerID == setup.id)
            #expect(try await setup.browser.get(SitePath.staffCustomers.path + "/" + UUID().uuidString).status == .notFound)
            #expect(try await setup.browser.get(SitePath.staffCustomers.path + "/inte-ett-id").status == .notFound)
        }
    }

    @Test("Creating a customer sends the set-password mail and is audited; bad input is explained")
    func create() async throws {
        try await withPortierApp { context in
            let setup = try await setUp(context, role: .admin)
            try await setup.browser.get(SitePath.staffNewCustomer.path)
            let created = try await setup.browser.post(SitePath.staffNewCustomer.path, ["email": " Ny.Kund@Example.se ", "name": "Nina Ny", "language": "en"])
            #expect(created.status == .seeOther)
            let customer = try #require(try await Customer.find(email: "ny.kund@example.se", on: context.app.db))
            #expect(created.headers.first(name: .location) == StaffCustomerNotice.created.path(customer.id!))
            #expect(customer.passwordHash == nil)
            #expect(customer.preferredLanguage == .english)
            #expect(customer.number == setup.customer.number! + 1)
            let mail = try #require(try await OutboxReader.mails(context.app, to: "ny.kund@example.se").first)
            #expect(mail.subject == "Choose your customer area password")
            #expect(mail.language == .english)
            #expect(try await OutboxReader.resetPath(context.app, to: "ny.kund@example.se") != nil)
            let audited = try #require(try await event(context, .customerCreated))
            #expect(audited.staffID == setup.staff.id)
            #expect(audited.customerID == customer.id)

            try await setup.browser.get(SitePath.staffNewCustomer.path)
            let taken = try await setup.browser.post(SitePath.staffNewCustomer.path, ["email": "kund@example.se", "name": "Karin igen"])
            #expect(taken.status == .unprocessableEntity)
            #expect(taken.body.string.contains("Det finns redan en kund med den e-postadressen."))
            let invalid = try await setup.browser.post(SitePath.staffNewCustomer.path, ["email": "inte-en-adress", "name": ""])
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.body.string.contains("Skriv en giltig e-postadress"))
            #expect(invalid.body.string.contains("Skriv kundens namn"))
            #expect(try await Customer.query(on: context.app.db).count() == 2)
        }
    }

    @Test("Editing the contact details saves them, audited with the staff member; bad input is explained")
    func contactDetails() async throws {
        try await withPortierApp { context in
            let setup = try await setUp(context)
            let fields = ["name": "Karin Kund-Berg", "identity_number": "", "street_address": "Storgatan 1", "postal_code": "123 45",
                          "city": "Sundsvall", "country": "SE", "phone": "070-123 45 67"]
            let saved = try await post(setup, .contactDetails, fields)
            #expect(saved.headers.first(name: .location) == StaffCustomerNotice.detailsSaved.path(setup.id))
            let customer = try #require(try await Customer.find(setup.id, on: context.app.db))
            #expect(customer.name == "Karin Kund-Berg")
            #expect(customer.nameKey == "karin kund-berg")
            #expect(customer.city == "Sundsvall")
            let audited = try #require(try await event(context, .contactDetailsUpdated))
            #expect(audited.staffID == setup.staff.id)

            var bad = fields
            bad["name"] = ""
            let refused = try await post(setup, .contactDetails, bad)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("field-error"))
            #expect(try await Customer.find(setup.id, on: context.app.db)?.name == "Karin Kund-Berg")
        }
    }

    @Test("Sending a password-reset link mails the customer, audited")
    func sendReset() async throws {
        try await withPortierApp { context in
            let setup = try await setUp(context)
            let sent = try await post(setup, .sendPasswordReset)
            #expect(sent.headers.first(name: .location) == StaffCustomerNotice.resetSent.path(setup.id))
            let path = try #require(try await OutboxReader.resetPath(context.app, to: "kund@example.se"))
            #expect(try await TestBrowser(app: context.app).get(path).status == .ok)
            #expect(try await event(context, .staffPasswordResetSent)?.staffID == setup.staff.id)
        }
    }

    @Test("Ending all sessions logs the customer out everywhere, audited")
    func endSessions() async throws {
        try await withPortierApp { context in
            let setup = try await setUp(context)
            let phone = try await AreaFixtures.browser(context)
            let laptop = try await AreaFixtures.browser(context)
            let ended = try await post(setup, .endSessions)
            #expect(ended.headers.first(name: .location) == StaffCustomerNotice.sessionsEnded.path(setup.id))
            for browser in [phone, laptop] {
                #expect(try await browser.get(SitePath.customerArea.path).status == .seeOther)
            }
            #expect(try await setup.browser.get(setup.page).status == .ok)
            #expect(try await event(context, .staffSessionsEnded)?.staffID == setup.staff.id)
        }
    }

    @Test("A disabled customer is logged out, gets a clear message at login and cannot reset; enabling undoes it")
    func disableLogin() async throws {
        try await withPortierApp { context in
            let setup = try await setUp(context)
            let customerBrowser = try await AreaFixtures.browser(context)
            try await post(setup, .sendPasswordReset)
            let oldLink = try #require(try await OutboxReader.resetPath(context.app, to: "kund@example.se"))

            let disabled = try await post(setup, .disableLogin)
            #expect(disabled.headers.first(name: .location) == StaffCustomerNotice.loginDisabled.path(setup.id))
            #expect(try await customerBrowser.get(SitePath.customerArea.path).status == .seeOther)
            #expect(try await setup.browser.get(setup.page).body.string.contains("Inloggning avstängd"))

            let login = try await TestBrowser(app: context.app).logIn(email: "kund@example.se", password: Fixtures.password)
            #expect(login.status == .forbidden)
            #expect(login.body.string.contains("Inloggningen till det här kontot är avstängd."))
            let wrong = try await TestBrowser(app: context.app).logIn(email: "kund@example.se", password: "fel lösenord helt och hållet")
            #expect(wrong.status == .unauthorized)
            #expect(!wrong.body.string.contains("avstängd"))

            let mailsBefore = try await OutboxReader.mails(context.app, to: "kund@example.se").count
            let visitor = TestBrowser(app: context.app)
            try await visitor.get(SitePath.forgotPassword.path)
            let reset = try await visitor.post(SitePath.forgotPassword.path, ["email": "kund@example.se"])
            #expect(reset.status == .forbidden)
            #expect(reset.body.string.contains("lösenordet kan inte återställas"))
            #expect(try await visitor.get(oldLink).status == .gone)
            let staffReset = try await post(setup, .sendPasswordReset)
            #expect(staffReset.headers.first(name: .location) == StaffCustomerNotice.resetRefusedDisabled.path(setup.id))
            #expect(try await OutboxReader.mails(context.app, to: "kund@example.se").count == mailsBefore)
            #expect(try await event(context, .loginDisabled)?.staffID == setup.staff.id)
            #expect(try await event(context, .loginRefusedDisabled) != nil)
            #expect(try await event(context, .passwordResetRefusedDisabled) != nil)

            let enabled = try await post(setup, .enableLogin)
            #expect(enabled.headers.first(name: .location) == StaffCustomerNotice.loginEnabled.path(setup.id))
            #expect(try await event(context, .loginEnabled)?.staffID == setup.staff.id)
            let again = try await TestBrowser(app: context.app).logIn(email: "kund@example.se", password: Fixtures.password)
            #expect(again.status == .seeOther)
        }
    }

    @Test("Staff can turn two-step off for a customer who lost phone and codes: mailed and audited (issue 11)")
    func disableTwoStep() async throws {
        try await withPortierApp { context in
            let setup = try await setUp(context)
            let notOn = try await post(setup, .disableTwoStep)
            #expect(notOn.headers.first(name: .location) == StaffCustomerNotice.twoStepNotEnabled.path(setup.id))

            _ = try await TwoStepFixtures.enable(context, browser: TestBrowser(app: context.app))
            #expect(try await setup.browser.get(setup.page).body.string.contains("Tvåstegsverifiering på"))
            let off = try await post(setup, .disableTwoStep)
            #expect(off.headers.first(name: .location) == StaffCustomerNotice.twoStepDisabled.path(setup.id))
            #expect(try await TwoStepService(secret: context.app.serverSecret, clock: context.clock, random: context.app.portier.random).isEnabled(for: .customer(setup.id), on: context.app.db) == false)
            let mails = try await OutboxReader.mails(context.app, to: "kund@example.se")
            #expect(mails.last?.subject == "Tvåstegsverifiering är avstängd")
            let audited = try #require(try await event(context, .twoStepDisabled))
            #expect(audited.staffID == setup.staff.id)
            #expect(audited.details == "staff")
            // The customer logs in with the password alone again.
            let login = try await TestBrowser(app: context.app).logIn(email: "kund@example.se", password: Fixtures.password)
            #expect(login.headers.first(name: .location) == SitePath.customerArea.path)
        }
    }
}
