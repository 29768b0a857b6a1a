import Vapor

struct ErrorPageContext: PageContext {
    let layout: LayoutContext
    let status: Int
    let message: String
}

/// Turns errors into a localized page in the site's layout. Redirects pass through; internal
/// error details are logged, never shown. Installed once, outside the session and CSRF
/// middleware (configure.swift), so it also renders their errors (a refused form, a body too
/// large); the page sees the session and token they left in the request, and a token issued on
/// the way gets its cookie here (`CSRFMiddleware.issueCookie`).
struct ErrorPageMiddleware: EventLoopMiddleware {
    let cookieNames: CookieNames

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let response = await Self.response(for: error, request: request)
            CSRFMiddleware.issueCookie(on: response, for: request, cookieNames: cookieNames)
            return response
        }
    }

    /// The page for `error`: redirects pass through, everything else gets the localized layout page.
    static func response(for error: any Error, request: Request) async -> Response {
        let status: HTTPResponseStatus
        let headers: HTTPHeaders
        let messageKey: String
        var message: String?
        switch error {
        case let failure as any LocalizedFailure:
            status = failure.status
            headers = failure.headers
            messageKey = failure.catalogKey
            message = failure.message(for: request)
        case let abort as any AbortError:
            status = abort.status
            headers = abort.headers
            messageKey = "error.\(status.code)"
        default:
            status = .internalServerError
            headers = [:]
            messageKey = "error.500"
        }
        if status.code >= 500 {
            request.logger.report(error: error)
        }
        if (300..<400).contains(status.code) {
            return Response(status: status, headers: headers)
        }
        let knownKey = request.application.catalogs.strings[.swedish]?[messageKey] != nil ? messageKey : "error.generic"
        let context = ErrorPageContext(
            layout: LayoutContext(request: request, titleKey: "error.title"),
            status: Int(status.code),
            message: knownKey == messageKey ? message ?? request.localized(knownKey) : request.localized(knownKey)
        )
        do {
            let response = try await request.renderPage("Site/error", context, status: status)
            for (name, value) in headers where name.lowercased() != "content-type" {
                response.headers.replaceOrAdd(name: name, value: value)
            }
            return response
        } catch {
            request.logger.report(error: error)
            return Response(status: status, body: .init(string: request.localized(knownKey)))
        }
    }
}
