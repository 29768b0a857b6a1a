import Fluent
import Vapor

struct StaffChatContext: StaffPageContext {
    struct Entry: Encodable {
        let chat: UUID
        let name: String
        let email: String
        let customerPath: String?
        let waitedMinutes: Int
    }

    let layout: LayoutContext
    let staffNavigation: StaffNavigation
    let isAvailable: Bool
    let isOpen: Bool
    let waiting: [Entry]
    let hasWaiting: Bool
    let mine: [Entry]
    let socketPath: String
    let availabilityPath: String
    /// A customer's page in `/personal`, `:id` standing for the customer.
    let customerPagePattern: String
    let figures: Figures

    /// Chats per day (an SVG bar chart, its numbers in its description) and the median wait.
    struct Figures: Encodable {
        let chartSVG: String
        let total: Int
        let acceptedCount: Int
        /// "3 min 20 s"; nil when no chat of the period was accepted.
        let medianWait: String?
    }
}

/// `/personal/chatt`: the support staff's side of the chat. The page lists waiting chats and
/// holds the "Tillgänglig för chatt" switch (a form, without JavaScript too); talking happens
/// over the chat socket (Public/js/staff-chat.js).
struct StaffChatController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.staffChat.pathComponents, use: show)
        routes.post(SitePath.staffChatAvailability.pathComponents, use: setAvailability)
    }

    @Sendable
    func show(request: Request) async throws -> Response {
        let staff = try request.staffMember
        let staffID = try staff.requireID()
        let service = request.chatService
        try await service.touch(staffID: staffID)
        let now = request.portier.clock.now()
        func entry(_ chat: Chat) throws -> StaffChatContext.Entry {
            .init(chat: try chat.requireID(), name: chat.clientName, email: chat.clientEmail,
                  customerPath: chat.$customer.id.map { SiteURL.staffCustomer(.value($0)).path }, waitedMinutes: Int(chat.waitingTime(now: now) / 60))
        }
        let waiting = try await service.waitingChats()
        let context = StaffChatContext(
            layout: LayoutContext(request: request, titleKey: StaffSection.chat.titleKey),
            staffNavigation: try request.staffNavigation(.chat, counts: waiting.isEmpty ? [:] : [.chat: waiting.count]),
            isAvailable: try await service.isAvailable(staffID: staffID),
            isOpen: try await service.availability().isOpen,
            waiting: try waiting.map(entry),
            hasWaiting: !waiting.isEmpty,
            mine: try await service.activeChats(staffID: staffID).map(entry),
            socketPath: SitePath.chatSocket.path + "?roll=personal",
            availabilityPath: SitePath.staffChatAvailability.path,
            customerPagePattern: SiteURL.staffCustomer(.key).path,
            figures: try await figures(request)
        )
        return try await request.renderPage("Staff/chat", context)
    }

    private func figures(_ request: Request) async throws -> StaffChatContext.Figures {
        let format = AreaFormatter(request: request)
        let summary = try await ChatFigures(database: request.db).summary(endingOn: format.today)
        let chart = ViewsBarChart(
            id: "chats-per-day",
            title: format.text("staff.chat.figures.chart_title", format.day(summary.days[0]), format.day(format.today)),
            days: summary.days, values: summary.chatsPerDay,
            describe: { day, chats in format.day(day) + ": " + String(chats) }
        )
        return .init(
            chartSVG: chart.svg, total: summary.total, acceptedCount: summary.acceptedCount,
            medianWait: summary.medianWait.map { seconds in
                let whole = Int(seconds.rounded())
                return format.text("staff.chat.figures.wait", String(whole / 60), String(whole % 60))
            }
        )
    }

    struct AvailabilityForm: Content {
        var available: String?
    }

    @Sendable
    func setAvailability(request: Request) async throws -> Response {
        let form = try request.content.decode(AvailabilityForm.self)
        let staffID = try request.staffMember.requireID()
        try await request.chatService.setAvailable(form.available == "on", staffID: staffID)
        request.application.chatHub.publish(ChatEvent(chatID: staffID, staffID: nil, kind: .changed))
        return request.redirect(to: SitePath.staffChat.path)
    }
}
