import Vapor

struct ErrorPageContext: PageContext {
    let layout: LayoutContext
    let status: Int
    let message: String
}

/// Turns errors into a localized page in the site's layout. Redirects pass through; internal
/// error details are logged, never shown.
struct ErrorPageMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).flatMapError { error in
            request.eventLoop.makeFutureWithTask { await Self.response(for: error, request: request) }
        }
    }

    /// The page for `error`: redirects pass through, everything else gets the localized layout page.
    static func response(for error: any Error, request: Request) async -> Response {
        let status: HTTPResponseStatus
        let headers: HTTPHeaders
        let messageKey: String
        switch error {
        case let failure as any LocalizedFailure:
            status = failure.status
            headers = failure.headers
            messageKey = failure.catalogKey
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
            message: request.localized(knownKey)
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
