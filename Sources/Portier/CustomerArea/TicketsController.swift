import Fluent
import Vapor

struct TicketsContext: PageContext {
    let layout: LayoutContext
    let section = "support"
    let unresolved: [TicketView]
    let closed: [TicketView]
    /// The customer's chats with the support (``PastChatsController``).
    let chats: [PastChatView]
}

struct NewTicketContext: PageContext {
    let layout: LayoutContext
    let section = "support"
    let departments: [OptionView]
    let services: [OptionView]
    let subject: String
    let message: String
    let errors: Errors
    let hasErrors: Bool
    let maximumSubjectLength = TicketDesk.maximumSubjectLength
    let maximumMessageLength = TicketDesk.maximumMessageLength

    struct Errors: Encodable {
        var department: String?
        var subject: String?
        var message: String?
    }
}

struct TicketMessageView: Encodable {
    let isStaff: Bool
    let author: String
    let body: String
    let sent: DateTimeView
}

struct TicketContext: PageContext {
    let layout: LayoutContext
    let section = "support"
    let ticket: TicketView
    let service: ServiceView?
    let messages: [TicketMessageView]
    let notice: String?
    let reply: String
    let replyError: String?
    let replyPath: String
    let closePath: String
    let maximumMessageLength = TicketDesk.maximumMessageLength
}

/// Support: the customer's tickets, a new ticket, and a ticket's thread with reply and close.
struct TicketsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.support.pathComponents, use: list)
        routes.get(SitePath.newTicket.pathComponents, use: showNew)
        routes.post(SitePath.newTicket.pathComponents, use: create)
        routes.get(SiteURL.ticket(.key).pathComponents, use: show)
        routes.post(SiteURL.ticket(.key, .reply).pathComponents, use: reply)
            .returning(to: "ticket", Self.ticketPage(of:))
        routes.post(SiteURL.ticket(.key, .close).pathComponents, use: close)
            .returning(to: "ticket", Self.ticketPage(of:))
    }

    @Sendable
    func list(request: Request) async throws -> Response {
        let customerID = try request.auth.require(AuthenticatedCustomer.self).customer.requireID()
        let format = AreaFormatter(request: request)
        let tickets = try await Ticket.query(for: customerID, on: request.db)
            .sort(\.$lastActivityAt, .descending)
            .sort(\.$number, .descending)
            .all()
        let context = TicketsContext(
            layout: LayoutContext(request: request, titleKey: "area.support.title"),
            unresolved: try tickets.filter { !$0.isClosed }.map { try TicketView($0, format) },
            closed: try tickets.filter(\.isClosed).map { try TicketView($0, format) },
            chats: try await Chat.past(of: customerID, on: request.db).map { try PastChatView($0, format) }
        )
        return try await request.renderPage("CustomerArea/tickets", context)
    }

    struct NewTicketForm: Content {
        var department: String?
        var subject: String?
        var message: String?
        var service_id: String?
    }

    @Sendable
    func showNew(request: Request) async throws -> Response {
        let customerID = try request.auth.require(AuthenticatedCustomer.self).customer.requireID()
        var draft = TicketDesk.Draft()
        if let department = request.query[String.self, at: "avdelning"], Ticket.Department(rawValue: department) != nil {
            draft.department = department
        }
        if let serviceID = request.query[String.self, at: "tjanst"] {
            draft.serviceID = serviceID
        }
        if let number = request.query[String.self, at: "faktura"].flatMap(Int.init),
           try await Invoice.query(for: customerID, on: request.db).filter(\.$number == number).first() != nil {
            draft.subject = request.localized("area.ticket.invoice_subject", String(number))
        }
        return try await renderNew(request, customerID: customerID, draft: draft, errors: .init())
    }

    @Sendable
    func create(request: Request) async throws -> Response {
        let customerID = try request.auth.require(AuthenticatedCustomer.self).customer.requireID()
        let form = try request.content.decode(NewTicketForm.self)
        let draft = TicketDesk.Draft(
            department: form.department ?? "", subject: form.subject ?? "",
            message: form.message ?? "", serviceID: form.service_id ?? ""
        )
        // A service that is not the customer's is a 404, exactly like its page.
        var serviceID: UUID?
        if !draft.serviceID.isEmpty {
            guard let id = UUID(uuidString: draft.serviceID),
                  let service = try await Service.find(id, for: customerID, on: request.db) else {
                throw CustomerAreaError.notFound
            }
            serviceID = try service.requireID()
        }
        switch TicketDesk.validate(draft) {
        case .failure(let problems):
            let errors = NewTicketContext.Errors(
                department: problems.byField[.department]?.message(for: request),
                subject: problems.byField[.subject]?.message(for: request),
                message: problems.byField[.message]?.message(for: request)
            )
            return try await renderNew(request, customerID: customerID, draft: draft, errors: errors, status: .unprocessableEntity)
        case .success(let valid):
            let desk = TicketDesk(database: request.db, services: request.portier, catalogs: request.application.catalogs)
            let ticket: Ticket
            do {
                ticket = try await desk.open(valid, for: customerID, serviceID: serviceID)
            } catch let error as CustomerAreaError where error.status == .tooManyRequests {
                let errors = NewTicketContext.Errors(message: error.message(for: request))
                return try await renderNew(request, customerID: customerID, draft: draft, errors: errors, status: error.status)
            }
            return request.redirect(to: SiteURL.ticket(.value(try ticket.requireID())).path(notice: AreaNotice.ticketCreated), redirectType: .normal)
        }
    }

    @Sendable
    func show(request: Request) async throws -> Response {
        let customerID = try request.auth.require(AuthenticatedCustomer.self).customer.requireID()
        let ticket = try await Ticket.find(try request.areaID(), for: customerID, on: request.db).orNotFound()
        return try await renderTicket(request, ticket: ticket, notice: AreaNotice.from(request), reply: "", replyError: nil)
    }

    struct ReplyForm: Content {
        var message: String?
    }

    @Sendable
    func reply(request: Request) async throws -> Response {
        let customerID = try request.auth.require(AuthenticatedCustomer.self).customer.requireID()
        let ticket = try await Ticket.find(try request.areaID(), for: customerID, on: request.db).orNotFound()
        let text = try request.content.decode(ReplyForm.self).message ?? ""
        let desk = TicketDesk(database: request.db, services: request.portier, catalogs: request.application.catalogs)
        do {
            try await desk.addCustomerReply(text, to: ticket)
        } catch let error as CustomerAreaError {
            return try await renderTicket(request, ticket: ticket, notice: nil, reply: text, replyError: error.message(for: request), status: error.status)
        }
        return request.redirect(to: SiteURL.ticket(.value(try ticket.requireID())).path(notice: AreaNotice.ticketReplied), redirectType: .normal)
    }

    @Sendable
    func close(request: Request) async throws -> Response {
        let customerID = try request.auth.require(AuthenticatedCustomer.self).customer.requireID()
        let ticket = try await Ticket.find(try request.areaID(), for: customerID, on: request.db).orNotFound()
        let desk = TicketDesk(database: request.db, services: request.portier, catalogs: request.application.catalogs)
        try await desk.close(ticket)
        return request.redirect(to: SiteURL.ticket(.value(try ticket.requireID())).path(notice: AreaNotice.ticketClosed), redirectType: .normal)
    }

    /// `/kundavdelning/support/<id>` for a post to one of its forms.
    @Sendable
    static func ticketPage(of request: Request) -> String {
        request.parameters.uuid(.id).map { SiteURL.ticket(.value($0)).path } ?? SitePath.support.path
    }

    private func renderNew(_ request: Request, customerID: UUID, draft: TicketDesk.Draft, errors: NewTicketContext.Errors, status: HTTPStatus = .ok) async throws -> Response {
        let format = AreaFormatter(request: request)
        let services = try await Service.query(for: customerID, on: request.db)
            .filter(\.$status != .cancelled)
            .sort(\.$domain)
            .sort(\.$kind)
            .all()
        let selectedService = draft.serviceID.lowercased()
        let serviceOptions = try services.map { service in
            let id = try service.requireID().uuidString.lowercased()
            return OptionView(value: id, label: "\(service.domain) – \(format.text(service.kind.catalogKey)) (\(service.plan))", isSelected: id == selectedService)
        }
        let context = NewTicketContext(
            layout: LayoutContext(request: request, titleKey: "area.ticket.new.title"),
            departments: Ticket.Department.allCases.map {
                OptionView(value: $0.rawValue, label: format.text($0.catalogKey), isSelected: $0.rawValue == draft.department)
            },
            services: serviceOptions,
            subject: draft.subject,
            message: draft.message,
            errors: errors,
            hasErrors: errors.department != nil || errors.subject != nil || errors.message != nil
        )
        return try await request.renderPage("CustomerArea/ticket-new", context, status: status)
    }

    private func renderTicket(_ request: Request, ticket: Ticket, notice: AreaNotice?, reply: String, replyError: String?, status: HTTPStatus = .ok) async throws -> Response {
        let format = AreaFormatter(request: request)
        let ticketID = try ticket.requireID()
        guard let customerID = ticket.$customer.id else { throw Abort(.notFound) }
        let messages = try await TicketMessage.thread(of: ticketID, on: request.db)
        var service: ServiceView?
        if let serviceID = ticket.$service.id, let related = try await Service.find(serviceID, for: customerID, on: request.db) {
            service = try ServiceView(related, format)
        }
        let view = try TicketView(ticket, format)
        let context = TicketContext(
            layout: LayoutContext(request: request, titleKey: "area.support.title").withTitle(format.text("area.ticket.heading", view.number, ticket.subject)),
            ticket: view,
            service: service,
            messages: messages.map { message in
                TicketMessageView(
                    isStaff: message.author == .staff,
                    author: message.author == .staff ? (message.authorName ?? format.text("area.ticket.author.staff")) : format.text("area.ticket.author.you"),
                    body: message.body,
                    sent: DateTimeView(message.createdAt, format)
                )
            },
            notice: notice.map { format.text($0.catalogKey) },
            reply: reply,
            replyError: replyError,
            replyPath: SiteURL.ticket(.value(ticketID), .reply).path,
            closePath: SiteURL.ticket(.value(ticketID), .close).path
        )
        return try await request.renderPage("CustomerArea/ticket", context, status: status)
    }
}
