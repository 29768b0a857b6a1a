import NIOCore
import Vapor

/// One log line per request with the matched route pattern instead of the raw path, so tokens in
/// URLs (reset links) never reach the log. Query strings are never logged. (Pages answered from
/// memory by `PageCacheResponder` are logged there.)
struct RequestLoggingMiddleware: EventLoopMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.logger.logLevel <= .info else {
            return try await next.respond(to: request)
        }
        let start = NIODeadline.now()
        let response = try await next.respond(to: request)
        let pattern = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "(static or unmatched)"
        let milliseconds = Int(((NIODeadline.now() - start).nanoseconds + 500_000) / 1_000_000)
        request.logger.info("\(request.method) \(pattern) \(response.status.code) \(milliseconds) ms")
        return response
    }
}
