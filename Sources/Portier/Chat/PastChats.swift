import Fluent
import Vapor

/// One of a customer's chats in the list under Support: when it began, who answered, how it ended.
struct PastChatView: Encodable {
    let path: String
    let started: DateTimeView
    /// The staff member who accepted it; nil when nobody did.
    let answeredBy: String?
    let status: StatusView
    /// The ticket it became, in Kundavdelningen.
    let ticketPath: String?
    let ticketNumber: String?

    init(_ chat: Chat, _ format: AreaFormatter) throws {
        path = SiteURL.pastChat(.value(try chat.requireID())).path
        started = DateTimeView(chat.createdAt, format)
        answeredBy = (chat.$staff.value ?? nil)?.name
        status = StatusView(value: chat.status.rawValue, label: format.text(chat.status.catalogKey), badge: chat.status.badge)
        let ticket = chat.$ticket.value ?? nil
        ticketPath = try ticket.map { SiteURL.ticket(.value(try $0.requireID())).path }
        ticketNumber = ticket.map { String($0.number) }
    }
}

/// One message of a past chat as the customer sees it (escaped by Leaf).
struct PastChatMessageView: Encodable {
    let isStaff: Bool
    let isNote: Bool
    let author: String
    let body: String
    let sent: DateTimeView
}

struct PastChatContext: PageContext {
    let layout: LayoutContext
    let section = "support"
    let chat: PastChatView
    let messages: [PastChatMessageView]
}

extension Chat.Status {
    var catalogKey: String { "area.chats.status.\(rawValue)" }

    var badge: String {
        switch self {
        case .waiting: "badge-warning"
        case .active: "badge-success"
        case .ended, .leftAsTicket: "badge-neutral"
        }
    }
}

extension Chat {
    /// How many of a customer's chats the Support page lists.
    static let pastChatsShown = 50

    /// The customer's chats, the latest first, with who answered and the ticket they became.
    static func past(of customerID: UUID, on database: any Database) async throws -> [Chat] {
        try await Chat.query(on: database)
            .filter(\.$customer.$id == customerID)
            .with(\.$staff)
            .with(\.$ticket)
            .sort(\.$createdAt, .descending)
            .limit(pastChatsShown)
            .all()
    }
}

/// Kundavdelningen › Support › a past chat: the transcript, only the customer's own chats (any
/// other id is a 404). The list is on the Support page (``TicketsController``).
struct PastChatsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.pastChat(.key).pathComponents, use: show)
    }

    @Sendable
    func show(request: Request) async throws -> Response {
        let customerID = try request.auth.require(AuthenticatedCustomer.self).customer.requireID()
        guard let id = request.parameters.uuid(.id),
              let chat = try await Chat.query(on: request.db)
                .filter(\.$id == id)
                .filter(\.$customer.$id == customerID)
                .with(\.$staff)
                .with(\.$ticket)
                .first() else {
            throw Abort(.notFound)
        }
        let format = AreaFormatter(request: request)
        let messages = try await ChatMessage.query(on: request.db).filter(\.$chat.$id == id).sort(\.$id).all()
        let view = try PastChatView(chat, format)
        let context = PastChatContext(
            layout: LayoutContext(request: request, titleKey: "area.support.title").withTitle(format.text("area.chat.heading", view.started.text)),
            chat: view,
            messages: messages.map { message in
                PastChatMessageView(
                    isStaff: message.author == .staff,
                    isNote: message.author == .system,
                    author: message.author == .client ? format.text("area.ticket.author.you") : message.authorName,
                    body: message.body,
                    sent: DateTimeView(message.createdAt, format)
                )
            }
        )
        return try await request.renderPage("CustomerArea/chat", context)
    }
}
