import Crypto
import Vapor

/// Double-submit CSRF protection: a random token in an HttpOnly cookie (with the `__Host-` prefix
/// on https, so sibling hosts cannot plant one) that every state-changing form repeats in the
/// hidden field `csrf_token`. Every POST, PUT, PATCH and DELETE is checked; GET never changes state.
struct CSRFMiddleware: Middleware {
    static let fieldName = "csrf_token"
    /// From the configuration once, not per request.
    let cookieNames: CookieNames

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let cookieName = cookieNames.csrf
        let existing = request.cookie(cookieName)
        if request.method != .GET && request.method != .HEAD {
            let submitted = try? request.content.get(String.self, at: Self.fieldName)
            guard let existing, let submitted, Self.constantTimeEquals(existing, submitted) else {
                request.logger.notice("CSRF check failed", metadata: ["path": .string(request.url.path)])
                request.csrfToken = existing ?? request.portier.random.makeToken()
                return request.eventLoop.makeFutureWithTask {
                    await ErrorPageMiddleware.response(for: SecurityError.csrfRejected, request: request)
                }.map { withIssuedToken($0, request: request, existing: existing) }
            }
        }
        let token = existing ?? request.portier.random.makeToken()
        request.csrfToken = token
        return next.respond(to: request).map { withIssuedToken($0, request: request, existing: existing) }
    }

    /// Sets the cookie when this request issued a new token (first visit, login, logout).
    private func withIssuedToken(_ response: Response, request: Request, existing: String?) -> Response {
        if request.csrfToken != existing, let issued = request.csrfToken {
            response.cookies[cookieNames.csrf] = cookieNames.makeCookie(value: issued)
        }
        return response
    }

    static func constantTimeEquals(_ left: String, _ right: String) -> Bool {
        let a = Array(left.utf8), b = Array(right.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension Request {
    private struct CSRFTokenKey: StorageKey { typealias Value = String }

    /// The token that forms rendered for this request must carry.
    var csrfToken: String? {
        get { storage[CSRFTokenKey.self] }
        set { storage[CSRFTokenKey.self] = newValue }
    }

    /// Issues a fresh CSRF token (at login and logout), so a token seen before is worthless after.
    func rotateCSRFToken() {
        csrfToken = portier.random.makeToken()
    }
}
