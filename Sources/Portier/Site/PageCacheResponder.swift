import NIOCore
import Vapor

/// The application's responder (`app.responder.use`): a GET without a session cookie is answered
/// from `PageCache` when its page is there — before Vapor's router and middleware, so such an
/// answer costs a dictionary look-up. Everything else goes to Vapor's default responder (router
/// and middleware), and what comes back is kept when `PageCache` may keep it (see there).
///
/// Kept answers carry the headers the middleware gave them the first time (security headers),
/// and are logged at `info` like `RequestLoggingMiddleware` does.
struct PageCacheResponder: Responder {
    let cache: PageCache
    let next: any Responder
    let cookieNames: CookieNames

    func respond(to request: Request) -> EventLoopFuture<Response> {
        guard request.method == .GET, !hasSessionCookie(request) else {
            return next.respond(to: request)
        }
        let key = PageCache.Key(path: request.url.path, query: request.url.query, language: request.language)
        let now = request.portier.clock.now()
        if let entry = cache.entry(for: key, now: now) {
            entry.onServe?(request.application)
            let response = entry.response(to: request, cookieNames: cookieNames)
            if request.logger.logLevel <= .info {
                request.logger.info("\(entry.routePattern) \(response.status.code) from memory")
            }
            return request.eventLoop.makeSucceededFuture(response)
        }
        return next.respond(to: request).map { response in
            guard let route = request.route, let sharing = route.pageSharing,
                  let entry = PageCache.entry(
                      from: response, sharing: sharing, csrfToken: request.csrfToken, csrfCookieName: cookieNames.csrf,
                      routePattern: CSRFMiddleware.routePattern(of: request), now: now
                  ) else {
                return response
            }
            cache.store(entry, for: key)
            // A shared page leaves with the validators the next visitors get; a hole page as it
            // was rendered (with this visitor's token and, on a first visit, its cookie).
            return entry.hasTokenHole ? response : entry.response(to: request, cookieNames: cookieNames)
        }
    }

    /// Whether the visitor sent a session cookie (customer or staff): their pages are their own.
    private func hasSessionCookie(_ request: Request) -> Bool {
        request.cookie(cookieNames.session)?.isEmpty == false || request.cookie(cookieNames.staffSession)?.isEmpty == false
    }
}
