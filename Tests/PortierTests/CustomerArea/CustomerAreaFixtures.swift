import Fluent
import Foundation
import Vapor
@testable import Portier

/// Services, invoices and tickets for the customer-area tests.
enum AreaFixtures {
    static func today(_ context: TestContext) -> CalendarDay {
        CalendarDay(containing: context.clock.now())
    }

    @discardableResult
    static func service(
        _ context: TestContext, for customer: Customer, kind: Service.Kind = .hosting, domain: String = "kundensida.se",
        plan: String = "Webbhotell Bas", status: Service.Status = .active, price: Money = Money(kronor: 99),
        cycle: Service.BillingCycle = .monthly, dueInDays: Int? = 10
    ) async throws -> Service {
        let today = today(context)
        let service = Service(
            customerID: try customer.requireID(), kind: kind, domain: domain, plan: plan, status: status,
            price: price, billingCycle: cycle, startedOn: today.adding(days: -100), nextDueOn: dueInDays.map { today.adding(days: $0) }
        )
        try await service.create(on: context.app.db)
        return service
    }

    @discardableResult
    static func invoice(
        _ context: TestContext, for customer: Customer, issuedDaysAgo: Int = 5, dueInDays: Int = 25,
        status: Invoice.Status = .unpaid, lines: [InvoiceLineDraft] = [InvoiceLineDraft(description: "Webbhotell Bas, 12 månader", unitPrice: Money(kronor: 1188))]
    ) async throws -> Invoice {
        let today = today(context)
        return try await InvoiceIssuer(database: context.app.db, catalogs: context.app.catalogs).issue(
            to: customer, issuedOn: today.adding(days: -issuedDaysAgo), dueOn: today.adding(days: dueInDays),
            lines: lines, status: status, paidAt: status == .paid ? context.clock.now() : nil
        )
    }

    @discardableResult
    static func ticket(
        _ context: TestContext, for customer: Customer, subject: String = "Sidan laddar långsamt",
        message: String = "Hej! Min sida är seg sedan i morse.", department: Ticket.Department = .support, serviceID: UUID? = nil
    ) async throws -> Ticket {
        let desk = TicketDesk(database: context.app.db, services: context.app.portier, catalogs: context.app.catalogs)
        return try await desk.open(
            TicketDesk.ValidDraft(department: department, subject: subject, message: message),
            for: try customer.requireID(), serviceID: serviceID
        )
    }

    /// A logged-in browser for `customer`.
    static func browser(_ context: TestContext, email: String = "kund@example.se", password: String = Fixtures.password) async throws -> TestBrowser {
        let browser = TestBrowser(app: context.app)
        try await browser.logIn(email: email, password: password)
        return browser
    }
}

extension Service { var path: String { SiteURL.service(.value(id!)).path } }
extension Invoice { var path: String { SiteURL.invoice(.value(id!)).path } }
extension Ticket { var path: String { SiteURL.ticket(.value(id!)).path } }
