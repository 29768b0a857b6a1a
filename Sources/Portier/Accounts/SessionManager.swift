import Fluent
import Vapor

/// Starts and ends sessions for a request: a fresh token at every login (the cookie a visitor had
/// before is never promoted), and logout deletes the row and clears the cookie.
struct SessionManager {
    let request: Request

    /// Creates a session row for `customer` and sets its cookie on `response`.
    func start(for customer: Customer, on response: Response) async throws {
        try await endCurrent()
        let token = request.portier.random.makeToken()
        let session = CustomerSession(
            tokenHash: TokenDigest.sha256Hex(token),
            customerID: try customer.requireID(),
            now: request.portier.clock.now(),
            ipAddress: request.clientIP,
            userAgent: request.headers.first(name: .userAgent)
        )
        try await session.create(on: request.db)
        let names = CookieNames(request)
        response.cookies[names.session] = names.makeCookie(value: token)
        request.rotateCSRFToken()
    }

    /// Deletes the session behind the request's cookie (if any).
    func endCurrent() async throws {
        let names = CookieNames(request)
        if let token = request.cookie(names.session) {
            try await CustomerSession.query(on: request.db)
                .filter(\.$tokenHash == TokenDigest.sha256Hex(token))
                .delete()
        }
        request.authenticated = nil
    }

    func clearCookie(on response: Response) {
        let names = CookieNames(request)
        response.cookies[names.session] = names.expired
        request.rotateCSRFToken()
    }
}
