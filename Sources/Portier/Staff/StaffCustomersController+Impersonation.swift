import Fluent
import Vapor

/// "Logga in som kunden": with a required reason, the staff member's browser gets a customer
/// session marked with the staff member (their own staff session stays). Every page then shows
/// the banner (`LayoutContext.impersonation`), credential changes are refused
/// (`ImpersonationGuard`), and it ends after 30 minutes or on "Avsluta" (`ImpersonationEndController`).
/// The start is audited with the reason, and the customer sees it among Säkerhetshändelser.
extension StaffCustomersController {
    struct ImpersonationForm: Content {
        var reason: String?
    }

    @Sendable
    func impersonate(request: Request) async throws -> Response {
        let customer = try await requireCustomer(request)
        let staff = try request.staffMember
        let typed = (try request.content.decode(ImpersonationForm.self).reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard let reason = Self.validReason(typed) else {
            return try await render(
                request, customer: customer, impersonationReason: typed,
                impersonationError: request.localized("staff.customers.impersonate.reason_required", String(Self.maximumReasonLength)),
                status: .unprocessableEntity
            )
        }
        let response = request.redirect(to: SitePath.customerArea.path, redirectType: .normal)
        try await SessionManager(request: request).startImpersonation(of: customer, by: staff, on: response)
        try await request.audit(.impersonationStarted, customerID: customer.id, staffID: staff.id, email: customer.email, details: reason)
        return response
    }

    /// The reason as it is stored and shown to the customer: 3 to 500 characters, one line of
    /// text (control characters refused).
    static func validReason(_ reason: String) -> String? {
        let oneLine = reason.split(whereSeparator: \.isNewline).joined(separator: " ")
        guard oneLine.count >= 3, oneLine.count <= maximumReasonLength,
              !oneLine.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return nil
        }
        return oneLine
    }
}

/// "Avsluta" in the banner: ends the customer session started by a staff member and returns to
/// the customer's page in `/personal` (the staff session was never touched).
struct ImpersonationEndController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post(SitePath.endImpersonation.pathComponents, use: end)
    }

    @Sendable
    func end(request: Request) async throws -> Response {
        let authenticated = try request.auth.require(AuthenticatedCustomer.self)
        guard let staffID = authenticated.impersonatorStaffID, let customerID = authenticated.customer.id else {
            return request.redirect(to: SitePath.customerArea.path, redirectType: .normal)
        }
        let manager = SessionManager(request: request)
        try await manager.endCurrent(.customer)
        try await request.audit(.impersonationEnded, customerID: customerID, staffID: staffID, email: authenticated.customer.email, details: "ended")
        let response = request.redirect(to: SiteURL.staffCustomer(.value(customerID)).path(notice: StaffCustomerNotice.impersonationEnded), redirectType: .normal)
        manager.clearCookie(.customer, on: response)
        return response
    }
}
