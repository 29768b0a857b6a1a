import Fluent
import Vapor

/// `GET/POST /personal/losenord/:token`: the page behind a staff member's set-password link.
struct StaffPasswordController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let page = routes.grouped(NoReferrerMiddleware())
        page.get(SiteURL.staffSetPassword(token: .key).pathComponents, use: show)
        page.post(SiteURL.staffSetPassword(token: .key).pathComponents, use: setPassword)
    }

    @Sendable
    func show(request: Request) async throws -> Response {
        let token = try request.parameters.require(.token)
        guard let row = try await StaffPasswordService(request: request).usableToken(token) else {
            return try await renderInvalidLink(request)
        }
        return try await render(request, token: token, member: row.staff, problems: [])
    }

    @Sendable
    func setPassword(request: Request) async throws -> Response {
        let token = try request.parameters.require(.token)
        let form = try request.content.decode(StaffSetPasswordForm.self)
        let service = StaffPasswordService(request: request)
        switch try await service.setPassword(token: token, password: form.password ?? "", confirmation: form.password_confirmation ?? "") {
        case .changed:
            return request.redirect(to: SitePath.staffLogin(next: nil, notice: .passwordChanged), redirectType: .normal)
        case .invalidLink:
            return try await renderInvalidLink(request)
        case .rejected(let problems):
            guard let row = try await service.usableToken(token) else { return try await renderInvalidLink(request) }
            return try await render(request, token: token, member: row.staff, problems: problems, status: .unprocessableEntity)
        }
    }

    private func render(_ request: Request, token: String, member: StaffMember, problems: [PasswordPolicy.Problem], status: HTTPStatus = .ok) async throws -> Response {
        let context = StaffSetPasswordPageContext(
            layout: LayoutContext(request: request, titleKey: "staff.set_password.title"),
            name: member.name, email: member.email,
            formPath: SiteURL.staffSetPassword(token: .value(token)).path,
            problems: problems.map { request.localized($0.rawValue) }
        )
        return try await request.renderPage("Staff/set-password", context, status: status)
    }

    private func renderInvalidLink(_ request: Request) async throws -> Response {
        try await request.renderPage("Staff/invalid-link", StaffInvalidLinkPageContext(layout: LayoutContext(request: request, titleKey: "staff.set_password.invalid_title")), status: .gone)
    }
}

struct StaffInvalidLinkPageContext: PageContext {
    let layout: LayoutContext
}
