import Vapor

/// One log line per request with the matched route pattern instead of the raw path, so tokens in
/// URLs (reset links) never reach the log. Query strings are never logged.
struct RequestLoggingMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next.respond(to: request)
        if request.logger.logLevel <= .info {
            let pattern = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "(static or unmatched)"
            let elapsed = (ContinuousClock.now - start).components
            let milliseconds = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
            request.logger.info("\(request.method) \(pattern) \(response.status.code) \(Int(milliseconds.rounded())) ms")
        }
        return response
    }
}
