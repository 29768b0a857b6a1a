import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Portier

/// The route guards over every registered route: a new Kundavdelning route cannot be forgotten.
@Suite("Guards: customer area and staff area")
struct GuardTests {
    /// Every registered route under `/kundavdelning`, with its parameters filled in.
    private func customerAreaRoutes(_ app: Application) -> [(method: HTTPMethod, path: String)] {
        app.routes.all
            .filter { $0.path.first?.description == SitePath.customerArea.rawValue }
            .map { route in
                let path = route.path.map { component -> String in
                    if case .parameter = component { return UUID().uuidString.lowercased() }
                    return component.description
                }.joined(separator: "/")
                return (route.method, "/" + path)
            }
    }

    /// A GET, or a form post carrying a fresh CSRF token (from the login page).
    private func send(_ method: HTTPMethod, _ path: String, with browser: TestBrowser) async throws -> TestingHTTPResponse {
        guard method != .GET else { return try await browser.get(path) }
        try await browser.get("/glomt-losenord")
        return try await browser.post(path, ["message": "x", "subject": "x", "department": "support"])
    }

    /// A session row made directly, as the two-step and staff features will make them.
    @discardableResult
    private func plantSession(_ app: Application, browser: TestBrowser, subject: SessionSubjectKind, customerID: UUID? = nil, staffID: UUID? = nil, isPending: Bool, now: Date) async throws -> AuthSession {
        let token = "planted-" + UUID().uuidString
        let session = AuthSession(
            tokenHash: TokenDigest.sha256Hex(token), subject: subject, customerID: customerID, staffID: staffID,
            strength: .password, isSecondFactorPending: isPending, now: now, ipAddress: nil, userAgent: nil
        )
        try await session.create(on: app.db)
        browser.setCookie(subject == .customer ? "portier_session" : "portier_staff_session", token)
        return session
    }

    @Test("Every Kundavdelning route sends a visitor without a session to the login page")
    func everyRouteGuarded() async throws {
        try await withPortierApp { context in
            let routes = customerAreaRoutes(context.app)
            #expect(routes.count >= 12)
            let browser = TestBrowser(app: context.app)
            try await browser.get("/logga-in")

            for (method, path) in routes {
                let response = try await send(method, path, with: browser)
                #expect(response.status == .seeOther, "\(method) \(path)")
                #expect(response.headers.first(name: .location)?.hasPrefix("/logga-in?next=") == true, "\(method) \(path)")
            }
        }
    }

    @Test("A session waiting for its second factor reaches nothing but the second-factor page")
    func pendingSecondFactor() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.get("/logga-in")
            try await plantSession(context.app, browser: browser, subject: .customer, customerID: try customer.requireID(), isPending: true, now: context.clock.now())

            for (method, path) in customerAreaRoutes(context.app) {
                let response = try await send(method, path, with: browser)
                #expect(response.status == .seeOther, "\(method) \(path)")
                #expect(response.headers.first(name: .location) == "/logga-in/kod", "\(method) \(path)")
            }
            #expect(try await TicketMessage.query(on: context.app.db).count() == 0)

            // The pending state lasts five minutes.
            context.clock.advance(by: AuthSession.secondFactorWindow)
            let after = try await browser.get("/kundavdelning")
            #expect(after.headers.first(name: .location) == "/logga-in?next=/kundavdelning&notice=session-expired")
            #expect(try await AuthSession.query(on: context.app.db).count() == 0)
        }
    }

    @Test("An expired session's cookie leads to the login page with the inactivity notice")
    func expiredNotice() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)
            let cookie = try #require(browser.cookies["portier_session"])
            context.clock.advance(by: 31 * 60)

            let response = try await browser.get("/kundavdelning/fakturor")

            #expect(response.headers.first(name: .location) == "/logga-in?next=/kundavdelning/fakturor&notice=session-expired")
            let page = try await browser.get(try #require(response.headers.first(name: .location)))
            #expect(page.body.string.contains("Du har loggats ut eftersom du varit inaktiv en stund"))
            // The same cookie arriving at the login page directly says it too.
            browser.setCookie("portier_session", cookie)
            try await plantExpired(context, token: cookie)
            #expect(try await browser.get("/logga-in").body.string.contains("Du har loggats ut eftersom du varit inaktiv en stund"))
        }
    }

    private func plantExpired(_ context: TestContext, token: String) async throws {
        let session = AuthSession(
            tokenHash: TokenDigest.sha256Hex(token), subject: .customer,
            customerID: try await Customer.query(on: context.app.db).first()?.requireID(),
            strength: .password, now: context.clock.now().addingTimeInterval(-31 * 60), ipAddress: nil, userAgent: nil
        )
        try await session.create(on: context.app.db)
    }

    @Test("Staff routes: the right role passes, another role gets 404, customers and visitors the staff login")
    func staffGuard() async throws {
        try await withPortierApp { context in
            for role in StaffRole.allCases {
                context.app.grouped(StaffGuard(role: role)).get("personal", "test-\(role.rawValue)") { _ in "ok" }
            }
            let customer = try await Fixtures.customer(context.app)
            var staffByRole: [StaffRole: StaffMember] = [:]
            for role in StaffRole.allCases {
                let member = StaffMember(email: "\(role.rawValue)@portier.example.se", name: role.rawValue, role: role, passwordHash: nil)
                try await member.create(on: context.app.db)
                staffByRole[role] = member
            }

            for guarded in StaffRole.allCases {
                let path = "/personal/test-\(guarded.rawValue)"
                for role in StaffRole.allCases {
                    let browser = TestBrowser(app: context.app)
                    try await plantSession(context.app, browser: browser, subject: .staff, staffID: try staffByRole[role]!.requireID(), isPending: false, now: context.clock.now())
                    let response = try await browser.get(path)
                    let isAllowed = role == .admin || role == guarded
                    #expect(response.status == (isAllowed ? .ok : .notFound), "\(role) → \(path)")
                }
                let pending = TestBrowser(app: context.app)
                try await plantSession(context.app, browser: pending, subject: .staff, staffID: try staffByRole[.admin]!.requireID(), isPending: true, now: context.clock.now())
                #expect(try await pending.get(path).headers.first(name: .location) == "/personal/logga-in/kod")

                let customerBrowser = TestBrowser(app: context.app)
                try await plantSession(context.app, browser: customerBrowser, subject: .customer, customerID: try customer.requireID(), isPending: false, now: context.clock.now())
                #expect(try await customerBrowser.get(path).headers.first(name: .location) == "/personal/logga-in?next=" + path)
                #expect(try await TestBrowser(app: context.app).get(path).headers.first(name: .location) == "/personal/logga-in?next=" + path)
            }
        }
    }

    @Test("A disabled staff member's session stops working at once")
    func disabledStaff() async throws {
        try await withPortierApp { context in
            context.app.grouped(StaffGuard(role: .support)).get("personal", "test") { _ in "ok" }
            let member = StaffMember(email: "anna@portier.example.se", name: "Anna", role: .support, passwordHash: nil)
            try await member.create(on: context.app.db)
            let browser = TestBrowser(app: context.app)
            try await plantSession(context.app, browser: browser, subject: .staff, staffID: try member.requireID(), isPending: false, now: context.clock.now())
            #expect(try await browser.get("/personal/test").status == .ok)

            member.isDisabled = true
            try await member.update(on: context.app.db)

            #expect(try await browser.get("/personal/test").status == .seeOther)
            #expect(try await AuthSession.query(on: context.app.db).count() == 0)
        }
    }
}
