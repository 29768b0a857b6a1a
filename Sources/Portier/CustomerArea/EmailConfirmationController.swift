import Vapor

/// The page behind the link that confirms a new e-mail address (`/bekrafta-e-post/:token`). Not
/// behind `CustomerGuard`: the link is often opened on another device, logged out.
struct EmailConfirmationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let confirm = routes.grouped(NoReferrerMiddleware())
        confirm.get(SiteURL.confirmEmail(token: .key).pathComponents, use: showConfirmation)
        confirm.post(SiteURL.confirmEmail(token: .key).pathComponents, use: confirmEmail)
    }

    @Sendable
    func showConfirmation(request: Request) async throws -> Response {
        let token = try request.parameters.require(.token)
        guard let row = try await AccountSettings(request: request).usableEmailChangeToken(token) else {
            return try await renderConfirmation(request, state: "invalid", token: "", newEmail: "", status: .gone)
        }
        return try await renderConfirmation(request, state: "confirm", token: token, newEmail: row.newEmail)
    }

    @Sendable
    func confirmEmail(request: Request) async throws -> Response {
        let token = try request.parameters.require(.token)
        switch try await AccountSettings(request: request).confirmEmailChange(token: token) {
        case .changed(let newEmail):
            if request.auth.has(AuthenticatedCustomer.self) {
                return request.redirect(to: SitePath.contactDetails.path(notice: AreaNotice.emailChanged), redirectType: .normal)
            }
            return try await renderConfirmation(request, state: "changed", token: "", newEmail: newEmail)
        case .invalidLink:
            return try await renderConfirmation(request, state: "invalid", token: "", newEmail: "", status: .gone)
        case .emailTaken:
            return try await renderConfirmation(request, state: "taken", token: "", newEmail: "", status: .conflict)
        }
    }

    private func renderConfirmation(_ request: Request, state: String, token: String, newEmail: String, status: HTTPStatus = .ok) async throws -> Response {
        let context = ConfirmEmailContext(
            layout: LayoutContext(request: request, titleKey: "area.confirm_email.title"),
            state: state, formPath: SiteURL.confirmEmail(token: .value(token)).path, newEmail: newEmail, isLoggedIn: request.auth.has(AuthenticatedCustomer.self)
        )
        return try await request.renderPage("CustomerArea/confirm-email", context, status: status)
    }
}
