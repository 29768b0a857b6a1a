import Fluent
import Vapor

/// The customer and session behind this request's session cookie, if any.
public struct AuthenticatedCustomer: Sendable {
    public let customer: Customer
    public let session: CustomerSession
}

extension Request {
    private struct AuthenticatedKey: StorageKey { typealias Value = AuthenticatedCustomer }

    public var authenticated: AuthenticatedCustomer? {
        get { storage[AuthenticatedKey.self] }
        set { storage[AuthenticatedKey.self] = newValue }
    }

    /// The logged-in customer, or a redirect to the login page that returns here afterwards.
    public func requireCustomer() throws -> AuthenticatedCustomer {
        guard let authenticated else {
            throw Abort.redirect(to: SitePath.login(next: url.path))
        }
        return authenticated
    }
}

/// Resolves the session cookie to a server-side session row and enforces the idle (30 min) and
/// absolute (12 h) timeouts on every request.
struct SessionAuthenticator: Middleware {
    /// `last_seen_at` is written at most this often, to keep reads from turning into writes.
    static let lastSeenResolution: TimeInterval = 60
    /// From the configuration once, not per request.
    let cookieNames: CookieNames

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let cookieName = cookieNames.session
        guard let token = request.cookie(cookieName), !token.isEmpty else {
            return next.respond(to: request)
        }
        return request.eventLoop.makeFutureWithTask {
            try await authenticate(request, token: token, cookieName: cookieName, next: next)
        }
    }

    private func authenticate(_ request: Request, token: String, cookieName: String, next: any Responder) async throws -> Response {
        let now = request.portier.clock.now()
        var clearCookie = false
        if let session = try await CustomerSession.query(on: request.db)
            .filter(\.$tokenHash == TokenDigest.sha256Hex(token))
            .with(\.$customer)
            .first() {
            if session.isExpired(at: now) {
                try await session.delete(on: request.db)
                clearCookie = true
            } else {
                if now.timeIntervalSince(session.lastSeenAt) >= Self.lastSeenResolution {
                    session.lastSeenAt = now
                    try await session.update(on: request.db)
                }
                request.authenticated = AuthenticatedCustomer(customer: session.customer, session: session)
            }
        } else {
            clearCookie = true
        }
        let response = try await next.respond(to: request).get()
        if clearCookie, response.cookies[cookieName] == nil {
            response.cookies[cookieName] = cookieNames.expired
        }
        return response
    }
}
