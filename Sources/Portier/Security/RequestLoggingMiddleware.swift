import NIOCore
import Vapor

/// One log line per request with the matched route pattern instead of the raw path, so tokens in
/// URLs (reset links) never reach the log. Query strings are never logged.
///
/// A future-based `Middleware`, not an `AsyncMiddleware`: Vapor starts a Task for every async
/// middleware on every request, and this one needs no `await` (bench/guide-vs-static).
struct RequestLoggingMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard request.logger.logLevel <= .info else {
            return next.respond(to: request)
        }
        let start = NIODeadline.now()
        return next.respond(to: request).map { response in
            let pattern = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "(static or unmatched)"
            let milliseconds = Int(((NIODeadline.now() - start).nanoseconds + 500_000) / 1_000_000)
            request.logger.info("\(request.method) \(pattern) \(response.status.code) \(milliseconds) ms")
            return response
        }
    }
}
