import Fluent
import Vapor

/// "Glömt ditt lösenord?" (`/glomt-losenord`) and the page behind the e-mailed link
/// (`/aterstall-losenord/:token`).
struct RecoveryController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.forgotPassword.pathComponents, use: showRequestForm).sharedWithCSRFTokenHole()
        routes.post(SitePath.forgotPassword.pathComponents, use: requestLink)
        let reset = routes.grouped(NoReferrerMiddleware())
        reset.get(SiteURL.resetPassword(token: .key).pathComponents, use: showResetForm)
        reset.post(SiteURL.resetPassword(token: .key).pathComponents, use: resetPassword)
    }

    @Sendable
    func showRequestForm(request: Request) async throws -> Response {
        try await renderRequestForm(request, email: "", error: nil)
    }

    @Sendable
    func requestLink(request: Request) async throws -> Response {
        let started = ContinuousClock.now
        let email = (try request.content.decode(ForgotPasswordForm.self).email ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !email.isEmpty, email.count <= 254, email.contains("@") else {
            return try await renderRequestForm(request, email: email, error: request.localized("forgot.error.invalid_email"), status: .unprocessableEntity)
        }
        let configuration = request.portier.configuration
        let outcome = try await ResetRequestService(request: request).requestLink(for: email)
        request.application.metrics.record(outcome.metricsOutcome)

        if case .throttled(let retryAfter) = outcome {
            let minutes = String(max(1, Int((retryAfter / 60).rounded(.up))))
            let response = try await renderRequestForm(request, email: email, error: request.localized("forgot.error.throttled", minutes), status: .tooManyRequests)
            response.headers.replaceOrAdd(name: .retryAfter, value: String(Int(retryAfter.rounded(.up))))
            return response
        }
        if !configuration.resetRevealsUnknownEmail {
            // Same page, same status and the same moment for known and unknown addresses: the
            // answer leaves at a fixed deadline after the request arrived, not after the work.
            try await Task.sleep(until: started.advanced(by: .seconds(configuration.neutralResetDeadline)), clock: .continuous)
            return try await renderSent(request, email: email, isNeutral: true)
        }
        if outcome == .loginDisabled {
            return try await renderRequestForm(request, email: email, error: request.localized("staff.customers.reset_disabled.message"), status: .forbidden)
        }
        if outcome == .unknownEmail {
            return try await renderRequestForm(request, email: email, error: request.localized("forgot.error.unknown_email"), showsInvoiceHint: true, status: .unprocessableEntity)
        }
        return try await renderSent(request, email: email, isNeutral: false)
    }

    @Sendable
    func showResetForm(request: Request) async throws -> Response {
        let token = try request.parameters.require(.token)
        guard let row = try await PasswordResetService(request: request).usableToken(token) else {
            return try await renderInvalidLink(request)
        }
        return try await renderResetForm(request, token: token, row: row, problems: [])
    }

    @Sendable
    func resetPassword(request: Request) async throws -> Response {
        let token = try request.parameters.require(.token)
        let form = try request.content.decode(ResetPasswordForm.self)
        let service = PasswordResetService(request: request)
        switch try await service.reset(token: token, password: form.password ?? "", confirmation: form.password_confirmation ?? "") {
        case .changed:
            return request.redirect(to: SitePath.login.path(notice: LoginNotice.passwordChanged), redirectType: .normal)
        case .invalidLink:
            return try await renderInvalidLink(request)
        case .rejected(let problems):
            guard let row = try await service.usableToken(token) else { return try await renderInvalidLink(request) }
            return try await renderResetForm(request, token: token, row: row, problems: problems, status: .unprocessableEntity)
        }
    }

    private func renderRequestForm(_ request: Request, email: String, error: String?, showsInvoiceHint: Bool = false, status: HTTPStatus = .ok) async throws -> Response {
        let context = ForgotPasswordContext(
            layout: LayoutContext(request: request, titleKey: "forgot.title"),
            email: email, error: error, showsInvoiceHint: showsInvoiceHint
        )
        return try await request.renderPage("Recovery/forgot", context, status: status)
    }

    private func renderSent(_ request: Request, email: String, isNeutral: Bool) async throws -> Response {
        let context = ResetLinkSentContext(layout: LayoutContext(request: request, titleKey: "forgot.sent.title"), email: email, isNeutral: isNeutral)
        return try await request.renderPage("Recovery/sent", context)
    }

    private func renderResetForm(_ request: Request, token: String, row: PasswordResetToken, problems: [PasswordPolicy.Problem], status: HTTPStatus = .ok) async throws -> Response {
        let isInitial = row.purpose == PasswordResetToken.Purpose.setInitial.rawValue
        let hasTwoStep = try await request.twoStep.isEnabled(for: .customer(try row.customer.requireID()), on: request.db)
        let context = ResetPasswordContext(
            layout: LayoutContext(request: request, titleKey: isInitial ? "reset.title_initial" : "reset.title"),
            formPath: SiteURL.resetPassword(token: .value(token)).path,
            email: row.customer.email,
            isInitialPassword: isInitial,
            problems: problems.map { request.localized($0.rawValue) },
            minimumLength: PasswordPolicy.minimumLength,
            hasTwoStep: hasTwoStep
        )
        return try await request.renderPage("Recovery/reset", context, status: status)
    }

    private func renderInvalidLink(_ request: Request) async throws -> Response {
        try await request.renderPage("Recovery/invalid-link", InvalidResetLinkContext(layout: LayoutContext(request: request, titleKey: "reset.invalid.title")), status: .gone)
    }
}

/// Reset pages carry the token in their URL: no Referer may take it to another site.
struct NoReferrerMiddleware: EventLoopMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        return response
    }
}

extension ResetRequestService.Outcome {
    var metricsOutcome: PortierMetrics.ResetOutcome {
        switch self {
        case .sent: .sent
        case .unknownEmail: .unknownEmail
        case .loginDisabled: .loginDisabled
        case .throttled: .throttled
        }
    }
}
