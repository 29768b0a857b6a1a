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
struct CSRFMiddleware: EventLoopMiddleware {
    static let fieldName = "csrf_token"
    /// From the configuration once, not per request.
    let cookieNames: CookieNames

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let existing = request.cookie(cookieNames.csrf)
        if request.method != .GET, request.method != .HEAD {
            // A form's body may arrive in several reads; the token is read only once all of it is
            // here (bounded by the route's maximum body size, else 413).
            let maximum = request.route?.userInfo[AnySendableHashable(Self.bodyLimitRouteKey)] as? Int ?? request.application.routes.defaultMaxBodySize.value
            _ = try await request.body.collect(max: maximum).get()
            guard hasValidToken(request, existing: existing) || isAcceptedSameOriginForm(request) else {
                // The route's pattern, never the path: a path can hold a live link token.
                request.logger.notice("CSRF check failed", metadata: ["route": .string(Self.routePattern(of: request))])
                request.csrfToken = existing ?? request.portier.random.makeToken()
                throw SecurityError.csrfRejected  // the error page sets the cookie (`issueCookie`)
            }
        }
        request.csrfToken = Self.rendersWithoutToken(request) ? nil : existing ?? request.portier.random.makeToken()
        let response = try await next.respond(to: request)
        Self.issueCookie(on: response, for: request, cookieNames: cookieNames)
        return response
    }

    private func hasValidToken(_ request: Request, existing: String?) -> Bool {
        guard let existing, !existing.isEmpty,
              let submitted = try? request.content.get(String.self, at: Self.fieldName) else { return false }
        return Self.constantTimeEquals(existing, submitted)
    }

    private func isAcceptedSameOriginForm(_ request: Request) -> Bool {
        request.route?.userInfo[AnySendableHashable(Self.sameOriginRouteKey)] != nil
            && Self.isSameOrigin(request.headers, baseURL: request.portier.configuration.baseURL)
    }

    /// Sets the cookie when this request issued a new token (first visit, login, logout); also
    /// called by `ErrorPageMiddleware` for the pages it renders instead.
    static func issueCookie(on response: Response, for request: Request, cookieNames: CookieNames) {
        if let issued = request.csrfToken, issued != request.cookie(cookieNames.csrf), response.cookies[cookieNames.csrf] == nil {
            response.cookies[cookieNames.csrf] = cookieNames.makeCookie(value: issued)
        }
    }

    /// Whether this request's page holds no CSRF token, by route metadata: routes that answer no
    /// form (`issuesNoCSRFToken()`), and pages shared by every visitor without a session
    /// (`sharedWithVisitorsWithoutSession()`) when nobody is logged in.
    static func rendersWithoutToken(_ request: Request) -> Bool {
        guard let route = request.route else { return false }
        if route.userInfo[AnySendableHashable(noTokenRouteKey)] != nil { return true }
        guard case .shared = route.pageSharing else { return false }
        return !request.auth.has(AuthenticatedCustomer.self) && !request.auth.has(AuthenticatedStaff.self)
            && !request.auth.has(PendingSecondFactor.self)
    }

    /// A token as `RandomSource.makeToken` makes them (base64url, 16–128 characters): only such a
    /// cookie value is written into a kept page's token hole unescaped (`PageCache`).
    static func isWellFormedToken(_ token: String) -> Bool {
        (16...128).contains(token.utf8.count) && token.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    /// `POST /aterstall-losenord/:token`, or `unrouted` when no route matched.
    static func routePattern(of request: Request) -> String {
        guard let route = request.route else { return request.method.rawValue + " unrouted" }
        return route.method.rawValue + " /" + route.path.map(\.description).joined(separator: "/")
    }

    static let sameOriginRouteKey = "portier.csrf.same-origin"
    static let noTokenRouteKey = "portier.csrf.no-token"
    static let bodyLimitRouteKey = "portier.csrf.body-limit"

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
    /// This route takes bodies up to `bytes` (an upload) instead of the default form size; the
    /// route itself must collect that much (`body: .collect(maxSize:)`).
    @discardableResult
    func acceptsBodies(upTo bytes: Int) -> Route {
        userInfo[AnySendableHashable(CSRFMiddleware.bodyLimitRouteKey)] = bytes
        return self
    }

    /// This route's answers never hold a form (health checks, JSON): no CSRF token, no cookie.
    @discardableResult
    func issuesNoCSRFToken() -> Route {
        userInfo[AnySendableHashable(CSRFMiddleware.noTokenRouteKey)] = true
        return self
    }

    /// Lets a POST to this route without a valid CSRF token through when it comes from a page of
    /// this site (see `CSRFMiddleware`). Only for public forms that change no account.
    @discardableResult
    func acceptsSameOriginWithoutToken() -> Route {
        userInfo[AnySendableHashable(CSRFMiddleware.sameOriginRouteKey)] = true
        return self
    }
}
