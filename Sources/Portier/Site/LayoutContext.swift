import Vapor

/// What the base layout needs on every page: language, title, the CSRF token for its forms
/// (logout, language switch), and who is logged in.
struct LayoutContext: Encodable {
    let language: String
    let otherLanguage: String
    var title: String
    var csrfToken: String
    let isLoggedIn: Bool
    let customerName: String?
    /// The logged-in staff member's name (their own cookie), for the header's link to `/personal`.
    let staffName: String?
    /// Set while a staff member is logged in as the customer: the banner on every page.
    let impersonation: ImpersonationBanner?
    let currentPath: String
    /// Where the language switch returns to: this page, unless the page has a language of its own.
    var languageSwitchPath: String
    /// Every fixed path by name: `#(paths.login)`.
    let paths = SitePath.templateValues
    let webmailURL: String?
    let controlPanelURL: String?
    let contactEmail: String
    let contactPhone: String
    let supportHours: String

    init(request: Request, titleKey: String) {
        let language = request.language
        let configuration = request.portier.configuration
        self.language = language.rawValue
        self.otherLanguage = (language == .swedish ? Language.english : .swedish).rawValue
        self.title = request.localized(titleKey)
        self.csrfToken = request.csrfToken ?? ""
        self.isLoggedIn = request.auth.has(AuthenticatedCustomer.self)
        self.customerName = request.auth.get(AuthenticatedCustomer.self)?.customer.name
        self.staffName = request.auth.get(AuthenticatedStaff.self)?.staff.name
        self.impersonation = request.auth.get(AuthenticatedCustomer.self).flatMap { authenticated in
            authenticated.impersonatorName.map { ImpersonationBanner(customerName: authenticated.customer.name, staffName: $0) }
        }
        self.currentPath = request.url.path
        self.languageSwitchPath = self.currentPath
        self.webmailURL = configuration.webmailURL?.absoluteString
        self.controlPanelURL = configuration.controlPanelURL?.absoluteString
        self.contactEmail = configuration.contactEmail
        self.contactPhone = configuration.contactPhone
        self.supportHours = configuration.supportHoursText ?? configuration.supportHours.displayText(in: language)
    }
}

/// "Du är inloggad som {kund} av {personal} — Avsluta".
struct ImpersonationBanner: Encodable {
    let customerName: String
    let staffName: String
}

/// A page context: every page has `layout` plus its own typed fields.
protocol PageContext: Encodable {
    var layout: LayoutContext { get }
}

extension Request {
    /// Renders `template` with `context`; pages are never cached by browsers or proxies because
    /// they may carry a CSRF token and personal data. `PageCache` gives the pages it keeps (shared
    /// routes, visitors without a session) its own `Cache-Control` and validators.
    func renderPage(_ template: String, _ context: some PageContext, status: HTTPStatus = .ok) async throws -> Response {
        let view = try await view.render(template, context)
        let response = try await view.encodeResponse(status: status, for: self)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
