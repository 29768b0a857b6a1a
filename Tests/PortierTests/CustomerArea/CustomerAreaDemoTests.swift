import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Portier

@Suite("Customer area: demo data, catalogs and migrations")
struct CustomerAreaDemoTests {
    @Test("The demo set: a hosting plan, two domains, an e-mail package, paid/unpaid/overdue invoices, an open and a closed ticket")
    func demoSet() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let demo = CustomerAreaDemoData(database: context.app.db, catalogs: context.app.catalogs, now: context.clock.now())

            #expect(try await demo.seed(for: customer))

            let customerID = try customer.requireID()
            let services = try await Service.query(for: customerID, on: context.app.db).all()
            #expect(services.filter { $0.kind == .hosting }.count == 1)
            #expect(services.filter { $0.kind == .domain }.count == 2)
            #expect(services.filter { $0.kind == .email }.count == 1)
            let today = CalendarDay(containing: context.clock.now())
            let statuses = try await Invoice.query(for: customerID, on: context.app.db).all().map { $0.displayStatus(today: today) }
            #expect(statuses.sorted { $0.rawValue < $1.rawValue } == [.overdue, .paid, .unpaid])
            let tickets = try await Ticket.query(for: customerID, on: context.app.db).all()
            #expect(Set(tickets.map(\.status)) == [.open, .closed])
            #expect(try await Customer.find(customerID, on: context.app.db)?.streetAddress == "Storgatan 12")

            let browser = try await AreaFixtures.browser(context)
            for path in ["/kundavdelning", "/kundavdelning/tjanster", "/kundavdelning/fakturor", "/kundavdelning/support"] + services.map(\.path) + tickets.map(\.path) {
                #expect(try await browser.get(path).status == .ok, "\(path)")
            }
            for invoice in try await Invoice.query(for: customerID, on: context.app.db).all() {
                let body = try await browser.get(invoice.path).body.string
                #expect(body.contains("kund@example.se"), "\(invoice.number)")
            }
        }
    }

    @Test("Seeding twice changes nothing; an address the customer typed is kept")
    func idempotent() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            customer.streetAddress = "Egen väg 1"
            try await customer.update(on: context.app.db)
            let demo = CustomerAreaDemoData(database: context.app.db, catalogs: context.app.catalogs, now: context.clock.now())

            #expect(try await demo.seed(for: customer))
            context.clock.advance(by: 3600)
            #expect(try await demo.seed(for: customer) == false)

            #expect(try await Service.query(on: context.app.db).count() == 4)
            #expect(try await Invoice.query(on: context.app.db).count() == 3)
            #expect(try await InvoiceLine.query(on: context.app.db).count() == 5)
            #expect(try await Ticket.query(on: context.app.db).count() == 2)
            #expect(try await TicketMessage.query(on: context.app.db).count() == 5)
            #expect(try await Customer.find(customer.id, on: context.app.db)?.streetAddress == "Egen väg 1")
        }
    }

    @Test("Two customers each get their own set, with their own numbers")
    func twoCustomers() async throws {
        try await withPortierApp { context in
            let a = try await Fixtures.customer(context.app)
            let b = try await Fixtures.customer(context.app, email: "annan@example.se", name: "Annan")
            let demo = CustomerAreaDemoData(database: context.app.db, catalogs: context.app.catalogs, now: context.clock.now())

            try await demo.seed(for: a)
            try await demo.seed(for: b)

            let numbers = try await Invoice.query(on: context.app.db).all().map(\.number).sorted()
            #expect(numbers == Array(10001...10006))
            #expect(try await Ticket.query(for: b.requireID(), on: context.app.db).count() == 2)
        }
    }

    @Test("The development seed gives the demo customer the set")
    func developmentSeed() async throws {
        try await withPortierApp({ $0.demoPassword = "ett demolösenord som är långt" }) { context in
            try await DemoSeeder(app: context.app).seedIfEmpty()
            try await DemoSeeder(app: context.app).seedIfEmpty()

            let demo = try #require(try await Customer.find(email: DemoSeeder.email, on: context.app.db))
            #expect(try await Service.query(for: demo.requireID(), on: context.app.db).count() == 4)
            #expect(try await Invoice.query(for: demo.requireID(), on: context.app.db).count() == 3)
        }
    }

    @Test("Every key the customer area uses from Swift exists in Swedish and English")
    func catalogKeys() throws {
        let catalogs = try Catalogs.load(from: DirectoryConfiguration.detect().resourcesDirectory + "Localization/")
        var keys: [String] = []
        keys += Service.Kind.allCases.map(\.catalogKey) + Service.Status.allCases.map(\.catalogKey) + Service.BillingCycle.allCases.map(\.catalogKey)
        keys += Invoice.DisplayStatus.allCases.map(\.catalogKey)
        keys += InvoicesController.Filter.allCases.flatMap { [$0.labelKey, $0.emptyKey] }
        keys += Ticket.Department.allCases.map(\.catalogKey) + Ticket.Status.allCases.map(\.catalogKey)
        keys += AreaNotice.allCases.map(\.catalogKey)
        keys += Countries.codes.map(Countries.catalogKey)
        let errors: [CustomerAreaError] = [
            .nameMissing, .nameTooLong, .textTooLong, .controlCharacters, .identityNumberInvalid, .streetMissing, .postalCodeInvalid,
            .cityMissing, .countryUnknown, .phoneInvalid, .emailInvalid, .emailUnchanged, .emailTaken, .currentPasswordMissing,
            .currentPasswordWrong, .currentPasswordThrottled(minutes: 1), .passwordRejected([]), .departmentInvalid, .subjectMissing,
            .subjectTooLong, .messageMissing, .messageTooLong,
        ]
        keys += errors.map(\.catalogKey)
        keys += [
            "area.invoice.heading", "area.invoice.vat_rate", "area.ticket.heading", "area.ticket.invoice_subject",
            "area.ticket.author.you", "area.ticket.author.staff", "area.contact.title", "area.confirm_email.title", "area.ticket.new.title",
            "area.mail.email_change.subject", "area.mail.email_change.intro", "area.mail.email_change.button", "area.mail.email_change.validity",
            "area.mail.email_change.not_you", "area.mail.email_changed.subject", "area.mail.email_changed.intro", "area.mail.email_changed.login",
            "area.mail.email_changed.not_you", "area.mail.ticket_reply.subject", "area.mail.ticket_reply.intro", "area.mail.ticket_reply.button",
            "area.mail.ticket_reply.closing",
        ]
        for key in keys {
            #expect(catalogs.strings[.swedish]?[key] != nil, "sv is missing \(key)")
            #expect(catalogs.strings[.english]?[key] != nil, "en is missing \(key)")
        }
        // The labels the help guides quote.
        let labels = [
            "area.nav.overview": "Översikt", "area.services.title": "Tjänster", "area.support.title": "Support", "area.invoices.title": "Fakturor",
            "area.contact.title": "Kontaktuppgifter", "area.ticket.new": "Nytt ärende", "area.ticket.department": "Avdelning",
            "area.ticket.department.support": "Support", "area.ticket.department.billing": "Ekonomi", "area.ticket.department.sales": "Försäljning",
            "area.ticket.subject": "Ämne", "area.ticket.message": "Meddelande", "area.ticket.service": "Berörd tjänst (valfritt)",
            "area.ticket.submit": "Skicka ärendet", "area.ticket.reply": "Skicka svar", "area.ticket.close": "Stäng ärendet",
            "area.invoices.filter.all": "Alla", "area.invoices.filter.unpaid": "Obetalda", "area.invoices.filter.paid": "Betalda",
            "area.invoices.filter.overdue": "Förfallna", "area.invoice.print": "Skriv ut", "area.contact.save": "Spara ändringar",
            "area.contact.email_heading": "Byt e-postadress", "area.contact.new_email": "Ny e-postadress", "area.contact.current_password": "Nuvarande lösenord",
            "area.contact.send_link": "Skicka bekräftelselänk", "area.contact.password_heading": "Byt lösenord", "area.contact.new_password": "Nytt lösenord",
            "area.contact.new_password_confirmation": "Upprepa det nya lösenordet", "area.contact.change_password": "Byt lösenord",
        ]
        for (key, label) in labels {
            #expect(catalogs.string(key, language: .swedish) == label, "\(key)")
        }
    }

    @Test("The customer-area migrations revert and apply again")
    func migrationsRevert() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            try await CustomerAreaDemoData(database: context.app.db, catalogs: context.app.catalogs, now: context.clock.now()).seed(for: customer)
            let migrations: [any AsyncMigration] = [
                UpdateTicketAddVisitorContact(), CreateChatMessage(), CreateChat(), CreateTicketNote(), UpdateTicketMessageAddStaffID(), UpdateTicketAddAssignedStaff(),
                CreateEmailChangeToken(), CreateTicketMessage(), CreateTicket(), CreateInvoiceLine(), CreateInvoice(), CreateService(), UpdateCustomerAddContactDetails(),
            ]

            // One connection for the schema changes: with in-memory SQLite each pooled connection
            // may otherwise see the schema as it was when it last looked. Not a transaction:
            // rebuilding the tickets table on SQLite switches foreign keys off, which SQLite
            // ignores inside one.
            try await context.app.db.withConnection { database in
                for migration in migrations {
                    try await migration.revert(on: database)
                }
                #expect(try await Customer.query(on: database).field(\.$email).all().count == 1)
                for migration in migrations.reversed() {
                    try await migration.prepare(on: database)
                }
            }

            #expect(try await Service.query(on: context.app.db).count() == 0)
            #expect(try await CustomerAreaDemoData(database: context.app.db, catalogs: context.app.catalogs, now: context.clock.now()).seed(for: try #require(try await Customer.find(customer.id, on: context.app.db))))
        }
    }
}
