import Vapor

/// Guards `/personal` routes for a role (or for any staff member): a staff member whose role permits it passes (admins
/// pass everywhere); another staff member gets 404, as if the page did not exist; a staff session
/// still waiting for its second factor is sent to the second-factor page; anyone else — customers
/// included — to the staff login page.
struct StaffGuard: EventLoopMiddleware {
    /// The role the routes need; nil lets every staff member in (the start page, their own account).
    let role: StaffRole?

    init(role: StaffRole) { self.role = role }
    private init(anyRole: Void) { self.role = nil }

    /// Every active staff member, whatever their role.
    static let anyStaffMember = StaffGuard(anyRole: ())

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let staff = request.auth.get(AuthenticatedStaff.self) {
            guard role.map(staff.staff.role.permits) ?? true else { throw Abort(.notFound) }
            return try await next.respond(to: request)
        }
        if let pending = request.auth.get(PendingSecondFactor.self), pending.session.subjectKind == .staff {
            return request.redirect(to: SitePath.staffSecondFactor.path)
        }
        let notice: LoginNotice? = request.endedSession == .expired ? .sessionExpired : nil
        return request.redirect(to: SitePath.staffLogin(next: request.returnPage, notice: notice))
    }
}
