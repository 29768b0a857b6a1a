import Vapor

/// Headers every response carries (DESIGN § 4). Pages that must not leak their URL (reset links)
/// set `Referrer-Policy: no-referrer` themselves; this middleware keeps a value already set.
struct SecurityHeadersMiddleware: EventLoopMiddleware {
    let contentSecurityPolicy: String
    let isHTTPS: Bool

    init(configuration: PortierConfiguration) {
        let formTargets = [configuration.webmailURL, configuration.controlPanelURL]
            .compactMap { $0 }
            .compactMap { url -> String? in
                guard let scheme = url.scheme, let host = url.host else { return nil }
                return url.port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
            }
        contentSecurityPolicy = [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "form-action " + (["'self'"] + formTargets).joined(separator: " "),
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ].joined(separator: "; ")
        isHTTPS = configuration.usesSecureCookies
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        addHeaders(to: try await next.respond(to: request))
    }

    private func addHeaders(to response: Response) -> Response {
        let headers = response.headers
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: contentSecurityPolicy)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        if !headers.contains(name: "Referrer-Policy") {
            response.headers.replaceOrAdd(name: "Referrer-Policy", value: "strict-origin-when-cross-origin")
        }
        response.headers.replaceOrAdd(name: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()")
        response.headers.replaceOrAdd(name: "Cross-Origin-Opener-Policy", value: "same-origin")
        if isHTTPS {
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains")
        }
        return response
    }
}
