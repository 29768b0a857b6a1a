import Vapor

struct DashboardContext: PageContext {
    let layout: LayoutContext
    let name: String
    let email: String
    let section: String
}

/// Kundavdelningen. Every route requires a logged-in customer; others are sent to the login page
/// with `next` pointing back.
struct CustomerAreaController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.customerArea.components, use: dashboard)
        routes.get(SitePath.services.components) { try await section($0, key: "services") }
        routes.get(SitePath.support.components) { try await section($0, key: "support") }
        routes.get(SitePath.invoices.components) { try await section($0, key: "invoices") }
    }

    @Sendable
    func dashboard(request: Request) async throws -> Response {
        let authenticated = try request.requireCustomer()
        let context = DashboardContext(
            layout: LayoutContext(request: request, titleKey: "area.title"),
            name: authenticated.customer.name,
            email: authenticated.customer.email,
            section: "overview"
        )
        return try await request.renderPage("CustomerArea/dashboard", context)
    }

    /// Tjänster, Support and Fakturor: real pages that say honestly what is still to come.
    @Sendable
    func section(_ request: Request, key: String) async throws -> Response {
        let authenticated = try request.requireCustomer()
        let context = DashboardContext(
            layout: LayoutContext(request: request, titleKey: "area.\(key).title"),
            name: authenticated.customer.name,
            email: authenticated.customer.email,
            section: key
        )
        return try await request.renderPage("CustomerArea/section", context)
    }
}
