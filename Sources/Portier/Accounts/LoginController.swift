import Fluent
import Vapor

/// `GET/POST /logga-in` and `POST /logga-ut`.
struct LoginController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        // The same page for every visitor without a session but for the form's CSRF token.
        routes.get(SitePath.login.pathComponents, use: showLogin).sharedWithCSRFTokenHole()
        routes.post(SitePath.login.pathComponents, use: login)
        routes.post(SitePath.logout.pathComponents, use: logout)
    }

    @Sendable
    func showLogin(request: Request) async throws -> Response {
        let next = SafeRedirect.path(from: request.query[String.self, at: "next"])
        if request.auth.has(AuthenticatedCustomer.self) {
            return request.redirect(to: next ?? SitePath.customerArea.path)
        }
        let notice = request.query[String.self, at: "notice"].flatMap(LoginNotice.init(rawValue:))
            ?? (request.endedSession == .expired ? .sessionExpired : nil)
        return try await render(request, email: "", next: next, error: nil, notice: notice.map { request.localized($0.catalogKey) })
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

        let service = LoginService(request: request, hasher: request.application.passwordHasher)
        let outcome = try await service.attempt(email: email, password: password)
        request.application.metrics.record(outcome.metricsOutcome)
        switch outcome {
        case .succeeded(let customerID):
            guard let customer = try await Customer.find(customerID, on: request.db) else { throw Abort(.internalServerError) }
            return try await LoginCompletion(request: request).complete(customer: customer, strength: .password, next: next)
        case .secondFactorRequired(let customerID):
            guard let customer = try await Customer.find(customerID, on: request.db) else { throw Abort(.internalServerError) }
            // A browser remembered after an earlier code (and since the last password change) skips it.
            if try await request.isRememberedDevice(for: .customer(customerID), notBefore: customer.passwordChangedAt) {
                return try await LoginCompletion(request: request).complete(customer: customer, strength: .secondFactor, next: next, method: "remembered device")
            }
            let response = request.redirect(to: SitePath.secondFactor(next: next), redirectType: .normal)
            try await SessionManager(request: request).start(for: customer, strength: .password, isSecondFactorPending: true, on: response)
            return response
        case .failed:
            return try await render(request, email: email, next: next, error: request.localized("login.error.invalid"), status: .unauthorized)
        case .loginDisabled:
            return try await render(request, email: email, next: next, error: request.localized("staff.customers.login_disabled.message"), status: .forbidden)
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

    @Sendable
    func logout(request: Request) async throws -> Response {
        let customerID = request.auth.get(AuthenticatedCustomer.self)?.customer.id
        let manager = SessionManager(request: request)
        try await manager.endCurrent()
        if let customerID {
            try await request.audit(.logout, customerID: customerID)
        }
        let response = request.redirect(to: SitePath.login.path(notice: LoginNotice.loggedOut), redirectType: .normal)
        manager.clearCookie(on: response)
        return response
    }

    private func render(_ request: Request, email: String, next: String?, error: String?, notice: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let context = LoginPageContext(
            layout: LayoutContext(request: request, titleKey: "login.title"),
            email: email, next: next, error: error, notice: notice
        )
        return try await request.renderPage("Accounts/login", context, status: status)
    }
}

extension LoginService.Outcome {
    var metricsOutcome: PortierMetrics.LoginOutcome {
        switch self {
        case .succeeded: .succeeded
        case .secondFactorRequired: .secondFactorRequired
        case .failed: .failed
        case .loginDisabled: .loginDisabled
        case .throttled: .throttled
        case .overloaded: .overloaded
        }
    }
}
