import Vapor

struct StaffHomeContext: StaffPageContext {
    struct QueueCount: Encodable {
        let label: String
        let path: String
        let count: Int
    }

    let layout: LayoutContext
    let staffNavigation: StaffNavigation
    let sections: [StaffNavigation.Item]
    /// The ticket queue's lists with their counts, for roles that answer tickets (else empty).
    let ticketQueue: [QueueCount]
}

/// `/personal`: the staff area's start page, one card per section the staff member's role opens;
/// the tickets card lists the queue's counts (as the ticket pages' navigation does).
struct StaffHomeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.staffArea.pathComponents, use: showHome)
    }

    @Sendable
    func showHome(request: Request) async throws -> Response {
        let staff = try request.staffMember
        var counts: [TicketQueue.Filter: Int] = [:]
        if StaffSection.tickets.isOpen(to: staff.role) {
            counts = try await TicketQueue(database: request.db).counts(for: try staff.requireID())
        }
        let navigation = try request.staffNavigation(.overview, counts: counts.isEmpty ? [:] : [.tickets: counts[.waitingForUs] ?? 0])
        let format = AreaFormatter(request: request)
        let context = StaffHomeContext(
            layout: LayoutContext(request: request, titleKey: StaffSection.overview.titleKey),
            staffNavigation: navigation,
            sections: navigation.items.filter { !$0.isCurrent },
            ticketQueue: counts.isEmpty ? [] : TicketQueue.Filter.allCases.map { filter in
                .init(label: format.text(filter.catalogKey), path: SitePath.staffTicketQueue(filter.rawValue), count: counts[filter] ?? 0)
            }
        )
        return try await request.renderPage("Staff/home", context)
    }
}
