import Crypto
import Vapor

/// `GET /metrics` in Prometheus text format, for the client on loopback (the peer as trusted
/// proxies name it, so a request through the proxy is not "loopback") or with
/// `Authorization: Bearer $PORTIER_METRICS_TOKEN`. Anyone else gets 404, as if there were none.
struct MetricsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.metrics.pathComponents, use: metrics).issuesNoCSRFToken()
    }

    @Sendable
    func metrics(request: Request) async throws -> Response {
        guard Self.isAllowed(request) else { throw Abort(.notFound) }
        let text = try await request.application.metrics.scrape(request.application, on: request.db)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }

    static func isAllowed(_ request: Request) -> Bool {
        if let token = request.portier.configuration.metricsToken {
            guard let bearer = request.headers.bearerAuthorization?.token else { return false }
            return CSRFMiddleware.constantTimeEquals(bearer, token)
        }
        guard let client = request.clientAddress else { return false }
        return client.isLoopback
    }
}

extension IPAddress {
    /// 127.0.0.0/8 or ::1.
    var isLoopback: Bool {
        isIPv4 ? bytes[0] == 127 : bytes == Array(repeating: 0, count: 15) + [1]
    }
}
