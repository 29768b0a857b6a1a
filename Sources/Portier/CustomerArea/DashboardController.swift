import Fluent
import Vapor

struct DashboardContext: PageContext {
    let layout: LayoutContext
    let section = "overview"
    let name: String
    let email: String
    let services: [ServiceView]
    let unpaidInvoices: [InvoiceView]
    /// The sum of every unpaid invoice, overdue ones included.
    let unpaidTotal: String
    let overdueCount: Int
    let tickets: [TicketView]
}

/// `/kundavdelning`: the overview. Current services with their next due dates, unpaid invoices
/// with the total due, and unresolved tickets with their last activity, each linking onward.
struct DashboardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.customerArea.pathComponents, use: show)
    }

    @Sendable
    func show(request: Request) async throws -> Response {
        let authenticated = try request.auth.require(AuthenticatedCustomer.self)
        let customerID = try authenticated.customer.requireID()
        let format = AreaFormatter(request: request)
        let services = try await Service.current(for: customerID, on: request.db)
        let unpaid = try await Invoice.unpaid(for: customerID, on: request.db)
        let tickets = try await Ticket.unresolved(for: customerID, on: request.db)
        let unpaidViews = try unpaid.map { try InvoiceView($0, format) }
        let context = DashboardContext(
            layout: LayoutContext(request: request, titleKey: "area.title"),
            name: authenticated.customer.name,
            email: authenticated.customer.email,
            services: try services.map { try ServiceView($0, format) },
            unpaidInvoices: unpaidViews,
            unpaidTotal: format.money(unpaid.reduce(.zero) { $0 + $1.total }),
            overdueCount: unpaidViews.filter(\.isOverdue).count,
            tickets: try tickets.map { try TicketView($0, format) }
        )
        return try await request.renderPage("CustomerArea/dashboard", context)
    }
}
