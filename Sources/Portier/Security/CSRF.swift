import Crypto
import Vapor

/// Double-submit CSRF protection: a random token in an HttpOnly cookie (with the `__Host-` prefix
/// on https, so sibling hosts cannot plant one) that every state-changing form repeats in the
/// hidden field `csrf_token`. Every POST, PUT, PATCH and DELETE is checked; GET never changes state.
///
/// The few public forms on pages that shared caches keep (a guide's vote, the language switch)
/// cannot carry a token; their routes are marked `acceptsSameOriginWithoutToken()`, and a POST
/// without a valid token is accepted there only when the browser says it comes from this site
/// (`Sec-Fetch-Site: same-origin`, else an `Origin` equal to `PORTIER_BASE_URL`'s): OWASP's
/// header-based defence. Neither form touches an account.
struct CSRFMiddleware: Middleware {
    static let fieldName = "csrf_token"
    /// From the configuration once, not per request.
    let cookieNames: CookieNames

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let cookieName = cookieNames.csrf
        let existing = request.cookie(cookieName)
        if request.method != .GET && request.method != .HEAD {
            let submitted = try? request.content.get(String.self, at: Self.fieldName)
            let hasValidToken = existing.flatMap { existing in
                submitted.map { !existing.isEmpty && Self.constantTimeEquals(existing, $0) }
            } ?? false
            let isSameOriginForm = !hasValidToken && request.route?.userInfo[AnySendableHashable(Self.sameOriginRouteKey)] != nil
                && Self.isSameOrigin(request.headers, baseURL: request.portier.configuration.baseURL)
            guard hasValidToken || isSameOriginForm else {
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

    static let sameOriginRouteKey = "portier.csrf.same-origin"

    /// Whether the browser says this request comes from a page of this site: Fetch Metadata when
    /// sent (every current browser does), else the `Origin` header against the configured base URL.
    static func isSameOrigin(_ headers: HTTPHeaders, baseURL: URL) -> Bool {
        if let site = headers.first(name: "Sec-Fetch-Site") {
            return site.lowercased() == "same-origin"
        }
        guard let origin = headers.first(name: .origin), let scheme = baseURL.scheme, let host = baseURL.host else {
            return false
        }
        let expected = scheme.lowercased() + "://" + host.lowercased() + (baseURL.port.map { ":\($0)" } ?? "")
        return origin.lowercased() == expected
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

extension Route {
    /// Lets a POST to this route without a valid CSRF token through when it comes from a page of
    /// this site (see `CSRFMiddleware`). Only for public forms that change no account.
    @discardableResult
    func acceptsSameOriginWithoutToken() -> Route {
        userInfo[AnySendableHashable(CSRFMiddleware.sameOriginRouteKey)] = true
        return self
    }
}
