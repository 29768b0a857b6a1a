import Vapor

struct SimplePageContext: PageContext {
    let layout: LayoutContext
}

/// The public pages: home, contact, the help-center entry, and the language switch.
struct SiteController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: home).sharedWithVisitorsWithoutSession()
        routes.get(SitePath.contact.pathComponents, use: contact).sharedWithVisitorsWithoutSession()
        // In the footer of pages that carry no CSRF token (guide pages, shared by caches).
        routes.post(SitePath.language.pathComponents, use: switchLanguage).acceptsSameOriginWithoutToken()
    }

    @Sendable
    func home(request: Request) async throws -> Response {
        try await request.renderPage("Site/home", SimplePageContext(layout: LayoutContext(request: request, titleKey: "home.title")))
    }

    @Sendable
    func contact(request: Request) async throws -> Response {
        try await request.renderPage("Site/contact", SimplePageContext(layout: LayoutContext(request: request, titleKey: "contact.title")))
    }

    struct LanguageForm: Content {
        var lang: String
        var next: String?
    }

    /// Remembers the chosen language in a cookie for a year and returns to the page.
    @Sendable
    func switchLanguage(request: Request) async throws -> Response {
        let form = try request.content.decode(LanguageForm.self)
        guard let language = Language(rawValue: form.lang) else {
            throw Abort(.badRequest)
        }
        let response = request.redirect(to: SafeRedirect.path(from: form.next) ?? SitePath.home.path, redirectType: .normal)
        response.cookies[Language.cookieName] = HTTPCookies.Value(
            string: language.rawValue, maxAge: 365 * 24 * 3600, path: "/",
            isSecure: request.portier.configuration.usesSecureCookies, isHTTPOnly: true, sameSite: .lax
        )
        return response
    }
}
