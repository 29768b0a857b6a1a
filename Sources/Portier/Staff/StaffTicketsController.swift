import Fluent
import Vapor

/// `/personal/arenden` (support, admin): the ticket queue, and a ticket's page where staff reply
/// (mailed to the customer), write internal notes (never shown to the customer), assign, close
/// and reopen. Every action, and every look at a ticket, is an audit event.
struct StaffTicketsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.staffTickets.pathComponents, use: queue)
        routes.get(SiteURL.staffTicket(.key).pathComponents, use: show)
        routes.post(SiteURL.staffTicket(.key, .reply).pathComponents, use: reply).returning(to: "ticket", Self.ticketPage(of:))
        routes.post(SiteURL.staffTicket(.key, .note).pathComponents, use: addNote).returning(to: "ticket", Self.ticketPage(of:))
        routes.post(SiteURL.staffTicket(.key, .assign).pathComponents, use: assign).returning(to: "ticket", Self.ticketPage(of:))
        routes.post(SiteURL.staffTicket(.key, .close).pathComponents, use: close).returning(to: "ticket", Self.ticketPage(of:))
        routes.post(SiteURL.staffTicket(.key, .reopen).pathComponents, use: reopen).returning(to: "ticket", Self.ticketPage(of:))
    }

    @Sendable
    static func ticketPage(of request: Request) -> String {
        request.parameters.int(.number).map { SiteURL.staffTicket(.value($0)).path } ?? SitePath.staffTickets.path
    }

    // MARK: Queue

    @Sendable
    func queue(request: Request) async throws -> Response {
        let staffID = try request.staffMember.requireID()
        let filter = request.query[String.self, at: "visa"].flatMap(TicketQueue.Filter.init(rawValue:)) ?? .waitingForUs
        let queue = TicketQueue(database: request.db)
        let counts = try await queue.counts(for: staffID)
        let tickets = try await queue.tickets(filter, staffID: staffID)
        let format = AreaFormatter(request: request)
        let rows = tickets.map { ticket in
            StaffTicketQueueContext.Row(
                number: String(ticket.number),
                path: SiteURL.staffTicket(.value(ticket.number)).path,
                subject: ticket.subject,
                customerName: ticket.correspondent.name,
                customerEmail: ticket.correspondent.email,
                isVisitor: ticket.isVisitor,
                status: Self.status(ticket, format),
                lastActivity: DateTimeView(ticket.lastActivityAt, format),
                assigneeName: ticket.joinedAssignee?.name
            )
        }
        let context = StaffTicketQueueContext(
            layout: LayoutContext(request: request, titleKey: StaffSection.tickets.titleKey),
            staffNavigation: try request.staffNavigation(.tickets, counts: [.tickets: counts[.waitingForUs] ?? 0]),
            filters: TicketQueue.Filter.allCases.map { candidate in
                .init(label: format.text(candidate.catalogKey), path: SitePath.staffTicketQueue(candidate.rawValue), count: counts[candidate] ?? 0, isCurrent: candidate == filter)
            },
            currentLabel: format.text(filter.catalogKey),
            isClosedList: filter == .closed,
            rows: rows,
            isTruncated: (counts[filter] ?? 0) > rows.count
        )
        return try await request.renderPage("Staff/tickets", context)
    }

    // MARK: Ticket

    @Sendable
    func show(request: Request) async throws -> Response {
        let ticket = try await findTicket(request)
        try await request.audit(.ticketViewed, customerID: ticket.$customer.id, details: "ticket \(ticket.number)")
        return try await render(request, ticket: ticket, form: .init(notice: StaffTicketNotice.from(request)))
    }

    struct ReplyForm: Content { var message: String? }
    struct NoteForm: Content { var note: String? }
    struct AssignForm: Content { var staff_id: String? }

    @Sendable
    func reply(request: Request) async throws -> Response {
        let ticket = try await findTicket(request)
        let staff = try request.staffMember
        let text = try request.content.decode(ReplyForm.self).message ?? ""
        do {
            try await desk(request).addStaffReply(to: try ticket.requireID().uuidString, text: text, authorName: staff.name, staffID: try staff.requireID())
        } catch let error as CustomerAreaError {
            return try await render(request, ticket: ticket, form: .init(reply: text, replyError: error.message(for: request)), status: error.status)
        }
        try await request.audit(.ticketReplied, customerID: ticket.$customer.id, details: "ticket \(ticket.number)")
        return redirect(request, ticket, .replied)
    }

    @Sendable
    func addNote(request: Request) async throws -> Response {
        let ticket = try await findTicket(request)
        let text = try request.content.decode(NoteForm.self).note ?? ""
        do {
            try await desk(request).addInternalNote(text, to: ticket, by: try request.staffMember)
        } catch let error as CustomerAreaError {
            return try await render(request, ticket: ticket, form: .init(note: text, noteError: error.message(for: request)), status: error.status)
        }
        try await request.audit(.ticketNoteAdded, customerID: ticket.$customer.id, details: "ticket \(ticket.number)")
        return redirect(request, ticket, .noteAdded)
    }

    @Sendable
    func assign(request: Request) async throws -> Response {
        let ticket = try await findTicket(request)
        let value = (try request.content.decode(AssignForm.self).staff_id ?? "").trimmingCharacters(in: .whitespaces)
        let assignee: StaffMember?
        do {
            guard value.isEmpty || UUID(uuidString: value) != nil else { throw StaffTicketError.unknownAssignee }
            assignee = try await desk(request).assign(ticket, to: UUID(uuidString: value))
        } catch let error as StaffTicketError {
            return try await render(request, ticket: ticket, form: .init(assignError: request.localized(error.catalogKey)), status: .unprocessableEntity)
        }
        let details = "ticket \(ticket.number) to " + (assignee.map { ($0.id?.uuidString ?? "") + " (\($0.email))" } ?? "nobody")
        try await request.audit(.ticketAssigned, customerID: ticket.$customer.id, details: details)
        return redirect(request, ticket, .assigned)
    }

    @Sendable
    func close(request: Request) async throws -> Response {
        let ticket = try await findTicket(request)
        try await desk(request).close(ticket)
        try await request.audit(.ticketClosed, customerID: ticket.$customer.id, details: "ticket \(ticket.number)")
        return redirect(request, ticket, .closed)
    }

    @Sendable
    func reopen(request: Request) async throws -> Response {
        let ticket = try await findTicket(request)
        try await desk(request).reopen(ticket)
        try await request.audit(.ticketReopened, customerID: ticket.$customer.id, details: "ticket \(ticket.number)")
        return redirect(request, ticket, .reopened)
    }

    // MARK: Helpers

    private func desk(_ request: Request) -> TicketDesk {
        TicketDesk(database: request.db, services: request.portier, catalogs: request.application.catalogs)
    }

    /// The ticket named by `:number`, with its customer; anything else is a 404.
    private func findTicket(_ request: Request) async throws -> Ticket {
        guard let number = request.parameters.int(.number),
              let ticket = try await Ticket.query(on: request.db).filter(\.$number == number).with(\.$customer).first() else {
            throw Abort(.notFound)
        }
        return ticket
    }

    private func redirect(_ request: Request, _ ticket: Ticket, _ notice: StaffTicketNotice) -> Response {
        request.redirect(to: SiteURL.staffTicket(.value(ticket.number)).path(notice: notice), redirectType: .normal)
    }

    /// What the forms show after a refused submission, or the notice after a redirect.
    struct FormState {
        var notice: StaffTicketNotice?
        var reply = ""
        var replyError: String?
        var note = ""
        var noteError: String?
        var assignError: String?
    }

    static func status(_ ticket: Ticket, _ format: AreaFormatter) -> StatusView {
        let key: String = switch ticket.status {
        case .open: TicketQueue.Filter.waitingForUs.catalogKey
        case .answered: TicketQueue.Filter.waitingForCustomer.catalogKey
        case .closed: "area.ticket.status.closed"
        }
        return StatusView(value: ticket.status.rawValue, label: format.text(key), badge: ticket.status.badge)
    }

    private func render(_ request: Request, ticket: Ticket, form: FormState, status: HTTPStatus = .ok) async throws -> Response {
        let format = AreaFormatter(request: request)
        let ticketID = try ticket.requireID()
        let customer = ticket.$customer.value ?? nil
        let correspondent = ticket.correspondent
        let messages = try await TicketMessage.thread(of: ticketID, on: request.db)
        let notes = try await TicketNote.notes(of: ticketID, on: request.db)
        var services: [Service] = []
        if let customer {
            services = try await Service.query(for: customer.requireID(), on: request.db).sort(\.$domain).sort(\.$kind).all()
        }
        let handlers = try await StaffMember.ticketHandlers(on: request.db)
        let waiting = try await TicketQueue(database: request.db).waitingForUsCount()
        let assignee = try await ticket.$assignedStaff.get(on: request.db)

        // The thread and the notes in the order they were written; a note after a message of the same second.
        let entries = (messages.map { message in
            (message.createdAt, 0, StaffTicketContext.Entry(
                isCustomer: message.author == .customer, isStaff: message.author == .staff, isNote: false,
                author: message.author == .customer ? correspondent.name : (message.authorName ?? format.text("area.ticket.author.staff")),
                body: message.body, sent: DateTimeView(message.createdAt, format)
            ))
        } + notes.map { note in
            (note.createdAt, 1, StaffTicketContext.Entry(
                isCustomer: false, isStaff: false, isNote: true, author: note.authorName,
                body: note.body, sent: DateTimeView(note.createdAt, format)
            ))
        }).sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)

        let unassigned = OptionView(value: "", label: format.text("staff.tickets.unassigned"), isSelected: assignee == nil)
        let options = try handlers.map { staff in
            OptionView(value: try staff.requireID().uuidString, label: staff.name, isSelected: staff.id == assignee?.id)
        }
        let context = StaffTicketContext(
            layout: LayoutContext(request: request, titleKey: StaffSection.tickets.titleKey).withTitle(format.text("area.ticket.heading", String(ticket.number), ticket.subject)),
            staffNavigation: try request.staffNavigation(.tickets, counts: [.tickets: waiting]),
            number: String(ticket.number),
            subject: ticket.subject,
            status: Self.status(ticket, format),
            departmentLabel: format.text(ticket.department.catalogKey),
            isClosed: ticket.isClosed,
            created: DateTimeView(ticket.createdAt, format),
            lastActivity: DateTimeView(ticket.lastActivityAt, format),
            assigneeName: assignee?.name,
            customer: customer.map { .init(name: $0.name, email: $0.email, phone: $0.phone) },
            visitor: ticket.isVisitor ? .init(name: correspondent.name, email: correspondent.email) : nil,
            replyEmail: correspondent.email,
            services: try services.map { service in
                .init(
                    domain: service.domain, kindLabel: format.text(service.kind.catalogKey), plan: service.plan,
                    status: StatusView(value: service.status.rawValue, label: format.text(service.status.catalogKey), badge: service.status.badge),
                    isRelated: try service.requireID() == ticket.$service.id
                )
            },
            entries: entries,
            assignees: [unassigned] + options,
            paths: .init(
                reply: SiteURL.staffTicket(.value(ticket.number), .reply).path, note: SiteURL.staffTicket(.value(ticket.number), .note).path,
                assign: SiteURL.staffTicket(.value(ticket.number), .assign).path, close: SiteURL.staffTicket(.value(ticket.number), .close).path,
                reopen: SiteURL.staffTicket(.value(ticket.number), .reopen).path
            ),
            notice: form.notice.map { format.text($0.catalogKey) },
            reply: form.reply,
            replyError: form.replyError,
            note: form.note,
            noteError: form.noteError,
            assignError: form.assignError
        )
        return try await request.renderPage("Staff/ticket", context, status: status)
    }
}

extension Ticket {
    /// The assignee loaded with `.with(\.$assignedStaff)`, or nil when none.
    var joinedAssignee: StaffMember? {
        $assignedStaff.value ?? nil
    }
}
