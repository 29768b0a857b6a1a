import Fluent
import Vapor

/// `GET/POST /personal/logga-in` and `POST /personal/logga-ut`. The password step only: a right
/// password starts a staff session that waits for its second factor (`StaffSecondFactorController`).
struct StaffLoginController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.staffLogin.pathComponents, use: show)
        routes.post(SitePath.staffLogin.pathComponents, use: login)
        routes.post(SitePath.staffLogout.pathComponents, use: logout)
    }

    @Sendable
    func show(request: Request) async throws -> Response {
        let next = SafeRedirect.path(from: request.query[String.self, at: "next"])
        if request.auth.has(AuthenticatedStaff.self) {
            return request.redirect(to: next ?? SitePath.staffArea.path)
        }
        let notice = request.query[String.self, at: "notice"].flatMap(LoginNotice.init(rawValue:))
            ?? (request.endedSession == .expired ? .sessionExpired : nil)
        return try await render(request, email: "", next: next, error: nil, notice: notice.map { request.localized("staff.login.notice." + $0.rawValue) })
    }

    @Sendable
    func login(request: Request) async throws -> Response {
        let form = try request.content.decode(LoginForm.self)
        let email = form.email?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let password = form.password ?? ""
        let next = SafeRedirect.path(from: form.next)
        guard !email.isEmpty, !password.isEmpty else {
            return try await render(request, email: email, next: next, error: request.localized("login.error.missing_fields"), status: .unprocessableEntity)
        }
        switch try await StaffLoginService(request: request, hasher: request.application.passwordHasher).attempt(email: email, password: password) {
        case .secondFactorDue(let staffID):
            guard let member = try await StaffMember.find(staffID, on: request.db) else { throw Abort(.internalServerError) }
            let isEnrolled = try await request.twoStep.isEnabled(for: .staff(staffID), on: request.db)
            let page = isEnrolled ? SitePath.staffSecondFactor.path : SitePath.staffEnrolment.path
            let response = request.redirect(to: SitePath.withNext(page, next: next), redirectType: .normal)
            try await SessionManager(request: request).start(for: member, strength: .password, isSecondFactorPending: true, on: response)
            return response
        case .failed:
            return try await render(request, email: email, next: next, error: request.localized("staff.login.error.invalid"), status: .unauthorized)
        case .throttled(let retryAfter):
            let minutes = max(1, Int((retryAfter / 60).rounded(.up)))
            let response = try await render(request, email: email, next: next, error: request.localized("login.error.throttled", String(minutes)), status: .tooManyRequests)
            response.headers.replaceOrAdd(name: .retryAfter, value: String(Int(retryAfter.rounded(.up))))
            return response
        case .overloaded(let retryAfter):
            let response = try await render(request, email: email, next: next, error: request.localized("login.error.overloaded"), status: .serviceUnavailable)
            response.headers.replaceOrAdd(name: .retryAfter, value: String(Int(retryAfter.rounded(.up))))
            return response
        }
    }

    /// Ends the staff session (also one still waiting for its code) and every customer session the
    /// staff member started with "Logga in som kunden", in any browser (each audited). The
    /// customer cookie is cleared only when it was such a session.
    @Sendable
    func logout(request: Request) async throws -> Response {
        let staffID = request.auth.get(AuthenticatedStaff.self)?.staff.id
            ?? request.auth.get(PendingSecondFactor.self).flatMap { $0.session.subjectKind == .staff ? $0.session.staffID : nil }
        let wasImpersonating = staffID != nil && request.auth.get(AuthenticatedCustomer.self)?.impersonatorStaffID == staffID
        let manager = SessionManager(request: request)
        try await manager.endCurrent(.staff)
        if let staffID {
            try await request.db.transactionTakingSQLiteWriteLock { database in
                for customerID in try await AuthSession.endImpersonations(by: staffID, on: database) {
                    try await request.audit(.impersonationEnded, customerID: customerID, staffID: staffID, details: "staff logout", on: database)
                }
                try await request.audit(.staffLogout, staffID: staffID, on: database)
            }
        }
        let response = request.redirect(to: SitePath.staffLogin(next: nil, notice: .loggedOut), redirectType: .normal)
        manager.clearCookie(.staff, on: response)
        if wasImpersonating {
            request.auth.logout(AuthenticatedCustomer.self)
            manager.clearCookie(.customer, on: response)
        }
        return response
    }

    private func render(_ request: Request, email: String, next: String?, error: String?, notice: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let context = StaffLoginPageContext(
            layout: LayoutContext(request: request, titleKey: "staff.login.title"),
            email: email, next: next, error: error, notice: notice
        )
        return try await request.renderPage("Staff/login", context, status: status)
    }
}
