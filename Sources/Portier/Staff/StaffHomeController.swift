import Vapor

struct StaffHomeContext: StaffPageContext {
    let layout: LayoutContext
    let staffNavigation: StaffNavigation
    let sections: [StaffNavigation.Item]
}

/// `/personal`: the staff area's start page, one card per section the staff member's role opens.
struct StaffHomeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.staffArea.pathComponents, use: showHome)
    }

    @Sendable
    func showHome(request: Request) async throws -> Response {
        let navigation = try request.staffNavigation(.overview)
        let context = StaffHomeContext(
            layout: LayoutContext(request: request, titleKey: StaffSection.overview.titleKey),
            staffNavigation: navigation,
            sections: navigation.items.filter { !$0.isCurrent }
        )
        return try await request.renderPage("Staff/home", context)
    }
}
