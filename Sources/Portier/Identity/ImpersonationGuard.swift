import Vapor

/// While a staff member is logged in as the customer ("Logga in som kunden"), the customer's
/// credentials stay the customer's: every route that changes the password, the e-mail address, the
/// second factor or a passkey is marked `.refusedWhileImpersonating()` and this guard — on the
/// whole of Kundavdelningen in `routes.swift` — answers it with a clear page (403) and an audit
/// event instead. The one place that decides it.
struct ImpersonationGuard: EventLoopMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let authenticated = request.auth.get(AuthenticatedCustomer.self), authenticated.impersonatorStaffID != nil,
              request.route?.isRefusedWhileImpersonating == true else {
            return try await next.respond(to: request)
        }
        try await request.audit(.impersonationChangeRefused, customerID: authenticated.customer.id, details: request.url.path)
        throw ImpersonationRefusal()
    }
}

/// The page a refused change gets.
struct ImpersonationRefusal: LocalizedFailure {
    var status: HTTPResponseStatus { .forbidden }
    var catalogKey: String { "staff.customers.impersonation.refused" }
}

extension Route {
    static let refusedWhileImpersonatingKey = "portier.refused-while-impersonating"

    /// Marks a route that changes the customer's credentials (password, e-mail address, second
    /// factor, passkeys): a staff member logged in as the customer may not use it.
    @discardableResult
    func refusedWhileImpersonating() -> Route {
        userInfo[AnySendableHashable(Self.refusedWhileImpersonatingKey)] = true
        return self
    }

    var isRefusedWhileImpersonating: Bool {
        userInfo[AnySendableHashable(Self.refusedWhileImpersonatingKey)] as? Bool == true
    }
}
