import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Portier

/// The one error page: installed once, rendering every `LocalizedFailure` with its own catalog
/// key and status.
@Suite("Error page")
struct ErrorPageTests {
    @Test("ErrorPageMiddleware is installed exactly once, and every middleware is an EventLoopMiddleware (runs on its request's event loop)")
    func installedOnce() async throws {
        try await withPortierApp { context in
            let middleware = context.app.middleware.resolve()
            #expect(middleware.filter { $0 is ErrorPageMiddleware }.count == 1)
            #expect(middleware.allSatisfy { $0 is any EventLoopMiddleware })
        }
    }

    @Test("A CustomerAreaError reaching the error page shows its own catalog message and status")
    func customerAreaErrorKey() async throws {
        try await withPortierApp { context in
            let request = Request(application: context.app, method: .GET, url: "/kundavdelning/support", on: context.app.eventLoopGroup.next())

            let limited = await ErrorPageMiddleware.response(for: CustomerAreaError.messageLimitReached(minutes: 7), request: request)
            let missing = await ErrorPageMiddleware.response(for: CustomerAreaError.notFound, request: request)

            #expect(limited.status == .tooManyRequests)
            let expected = context.app.catalogs.string("area.error.message_limit", language: .swedish, arguments: ["7"])
            #expect((limited.body.string ?? "").contains(expected))
            #expect(missing.status == .notFound)
            #expect((missing.body.string ?? "").contains(context.app.catalogs.string("error.404", language: .swedish)))
        }
    }

    @Test("A refused form (no CSRF token) on a first visit gets the error page and the token's cookie")
    func csrfRefusalSetsCookie() async throws {
        try await withPortierApp { context in
            let browser = TestBrowser(app: context.app)
            browser.fetchSite = nil

            let refused = try await browser.post("/logga-in", ["email": "a@example.se", "password": "x"], includeCSRF: false)

            #expect(refused.status == .forbidden)
            #expect(browser.cookies["portier_csrf"] != nil)
            #expect(refused.body.string.contains(#"name="csrf_token" value="\#(browser.cookies["portier_csrf"] ?? "-")""#))
        }
    }
}
