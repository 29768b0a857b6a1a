import Fluent
import Vapor

struct ServicesContext: PageContext {
    let layout: LayoutContext
    let section = "services"
    let services: [ServiceView]
}

struct ServiceContext: PageContext {
    let layout: LayoutContext
    let section = "services"
    let service: ServiceView
    /// The hosting company's control panel and webmail, when configured and relevant.
    let controlPanelURL: String?
    let webmailURL: String?
    let newTicketPath: String
    let tickets: [TicketView]
}

/// Tjänster: the customer's web hosting plans, domains and e-mail packages.
struct ServicesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.services.pathComponents, use: list)
        routes.get(SiteURL.service(.key).pathComponents, use: show)
    }

    @Sendable
    func list(request: Request) async throws -> Response {
        let customerID = try request.auth.require(AuthenticatedCustomer.self).customer.requireID()
        let format = AreaFormatter(request: request)
        let services = try await Service.query(for: customerID, on: request.db)
            .sort(\.$kind)
            .sort(\.$domain)
            .all()
        // Current services first, cancelled ones last.
        let ordered = services.filter { $0.status != .cancelled } + services.filter { $0.status == .cancelled }
        let context = ServicesContext(
            layout: LayoutContext(request: request, titleKey: "area.services.title"),
            services: try ordered.map { try ServiceView($0, format) }
        )
        return try await request.renderPage("CustomerArea/services", context)
    }

    @Sendable
    func show(request: Request) async throws -> Response {
        let customerID = try request.auth.require(AuthenticatedCustomer.self).customer.requireID()
        let service = try await Service.find(try request.areaID(), for: customerID, on: request.db).orNotFound()
        let serviceID = try service.requireID()
        let format = AreaFormatter(request: request)
        let configuration = request.portier.configuration
        let isUsable = service.status == .active
        let tickets = try await Ticket.query(for: customerID, on: request.db)
            .filter(\.$service.$id == serviceID)
            .sort(\.$lastActivityAt, .descending)
            .all()
        let view = try ServiceView(service, format)
        let layout = LayoutContext(request: request, titleKey: "area.services.title")
        let context = ServiceContext(
            layout: layout.withTitle(service.domain),
            service: view,
            controlPanelURL: isUsable && service.kind == .hosting ? configuration.controlPanelURL?.absoluteString : nil,
            webmailURL: isUsable && service.kind != .domain ? configuration.webmailURL?.absoluteString : nil,
            newTicketPath: SitePath.newTicket.path + "?tjanst=" + view.id,
            tickets: try tickets.map { try TicketView($0, format) }
        )
        return try await request.renderPage("CustomerArea/service", context)
    }
}
