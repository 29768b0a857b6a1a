import Vapor

/// Guards Kundavdelningen (`routes.swift` wraps every customer-area route in it): a logged-in
/// customer passes; a session still waiting for its second factor is sent to the second-factor
/// page; anyone else to the login page, which returns to the page afterwards — with the "logged
/// out after inactivity" notice when their session had just expired.
struct CustomerGuard: EventLoopMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.auth.has(AuthenticatedCustomer.self) {
            return try await next.respond(to: request)
        }
        if let pending = request.auth.get(PendingSecondFactor.self), pending.session.subjectKind == .customer {
            return request.redirect(to: SitePath.secondFactor.path)
        }
        if case .impersonationExpired(let customerID) = request.endedSession {
            return request.redirect(to: SiteURL.staffCustomer(.value(customerID)).path(notice: StaffCustomerNotice.impersonationExpired))
        }
        let notice: LoginNotice? = request.endedSession == .expired ? .sessionExpired : nil
        return request.redirect(to: SitePath.login(next: request.returnPage, notice: notice))
    }
}

extension Request {
    /// The page a visitor is sent back to after logging in: the route's declared page for a
    /// form's POST (`Route.returning(to:)`), else this request's own path.
    var returnPage: String {
        if let page = route?.userInfo[AnySendableHashable(Route.returnPageKey)] as? ReturnPage {
            return page.path(self)
        }
        return url.path
    }
}

/// The page a form's POST returns to after a login in between.
struct ReturnPage: Sendable, Hashable {
    let name: String
    let path: @Sendable (Request) -> String

    static func == (left: ReturnPage, right: ReturnPage) -> Bool { left.name == right.name }
    func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

extension Route {
    static let returnPageKey = "portier.return-page"

    /// Declares the page that holds this route's form (e.g. the ticket page for its reply form),
    /// where a visitor whose session ended is returned after logging in again.
    @discardableResult
    func returning(to name: String, _ path: @escaping @Sendable (Request) -> String) -> Route {
        userInfo[AnySendableHashable(Self.returnPageKey)] = ReturnPage(name: name, path: path)
        return self
    }
}
