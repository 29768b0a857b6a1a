import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Portier

/// Every route under `/personal` (read from `app.routes.all`, so a new route cannot be forgotten)
/// × every staff role, a staff session still waiting for its code, a customer session and an
/// anonymous visitor. The expected access comes from `StaffSection` (the declared policy: which
/// role each section needs) and a short list of open routes (the login steps and the
/// set-password link); the route groups in `routes.swift` must enforce exactly that.
@Suite("Staff: every staff route × every role, a customer and a visitor")
struct StaffAccessTests {
    enum Access: Equatable {
        /// Reachable without a staff session.
        case open
        /// Any staff member (`nil`) or the role's (admins pass everywhere).
        case staff(StaffRole?)
    }

    /// The routes that must stay open: the login's steps, logout and the set-password link.
    static let openPaths: Set<SitePath> = [.staffLogin, .staffSecondFactor, .staffEnrolment, .staffLogout, .staffSetPassword]

    /// What `pattern` (a route's path, `:name` for parameters) must allow: an open route, else the
    /// section with the longest path that contains it. nil: nothing declares it.
    static func expectedAccess(_ pattern: [String]) -> Access? {
        func matches(_ path: SitePath) -> Bool {
            let components = path.rawValue.split(separator: "/").map(String.init)
            return pattern.count >= components.count && Array(pattern.prefix(components.count)) == components
        }
        if openPaths.contains(where: matches) { return .open }
        let section = StaffSection.allCases
            .filter { matches($0.path) }
            .max { $0.path.rawValue.count < $1.path.rawValue.count }
        return section.map { .staff($0.requiredRole) }
    }

    private struct StaffRoute {
        let method: HTTPMethod
        let pattern: [String]
        /// Whether every parameter could be filled with a real record (then an allowed role must not get 404).
        var hasRealParameters = true

        var description: String { "\(method) /" + pattern.joined(separator: "/") }
    }

    private func staffRoutes(_ app: Application) -> [StaffRoute] {
        app.routes.all
            .filter { $0.path.first?.description == SitePath.staffArea.rawValue && $0.method != .HEAD }
            .map { StaffRoute(method: $0.method, pattern: $0.path.map(\.description)) }
    }

    /// The route's path with its parameters filled: a real staff member for Medarbetare's `:id`,
    /// a random id elsewhere.
    private func path(_ route: inout StaffRoute, target: UUID) -> String {
        var filled: [String] = []
        for (index, component) in route.pattern.enumerated() {
            guard component.hasPrefix(":") else { filled.append(component); continue }
            if Array(route.pattern.prefix(index)) == SitePath.staffMembers.rawValue.split(separator: "/").map(String.init) {
                filled.append(target.uuidString.lowercased())
            } else {
                filled.append(UUID().uuidString.lowercased())
                route.hasRealParameters = false
            }
        }
        return "/" + filled.joined(separator: "/")
    }

    /// A GET, or a form post carrying a fresh CSRF token.
    private func send(_ method: HTTPMethod, _ path: String, with browser: TestBrowser) async throws -> TestingHTTPResponse {
        guard method != .GET else { return try await browser.get(path) }
        try await browser.get(SitePath.forgotPassword.path)
        return try await browser.post(path, [:])
    }

    private func isStaffLoginRedirect(_ response: TestingHTTPResponse) -> Bool {
        response.status == .seeOther && response.headers.first(name: .location)?.hasPrefix(SitePath.staffLogin.path) == true
            && response.headers.first(name: .location)?.hasPrefix(SitePath.staffSecondFactor.path) == false
    }

    @Test("Every /personal route is declared, and answers each role, a pending session, a customer and a visitor as declared")
    func everyRouteEveryRole() async throws {
        try await withPortierApp { context in
            let routes = staffRoutes(context.app)
            #expect(routes.count >= 14)
            let target = try await Fixtures.staffMember(context.app, role: .editor, email: "malet@portier.example", name: "Målet Medarbetare")
            let customer = try await Fixtures.customer(context.app)
            var staffBrowsers: [(StaffRole, TestBrowser)] = []
            for role in StaffRole.allCases {
                let member = try await Fixtures.staffMember(context.app, role: role)
                let browser = TestBrowser(app: context.app)
                try await browser.logInAsStaff(member, now: context.clock.now())
                staffBrowsers.append((role, browser))
            }
            // A member half-way through logging in (not the target, whose sessions the admin's actions end).
            let halfway = try await Fixtures.staffMember(context.app, role: .admin, email: "halvvags@portier.example")
            let pending = TestBrowser(app: context.app)
            let pendingToken = "pending-" + UUID().uuidString
            try await AuthSession(tokenHash: TokenDigest.sha256Hex(pendingToken), subject: .staff, staffID: try halfway.requireID(),
                                  strength: .password, isSecondFactorPending: true, now: context.clock.now(), ipAddress: nil, userAgent: nil).create(on: context.app.db)
            pending.setCookie("portier_staff_session", pendingToken)
            let customerBrowser = TestBrowser(app: context.app)
            try await customerBrowser.logIn(email: customer.email, password: Fixtures.password)
            let visitor = TestBrowser(app: context.app)

            var checked = 0
            for var route in routes {
                guard let access = Self.expectedAccess(route.pattern) else {
                    Issue.record("\(route.description) is in no StaffSection and not an open route: give it a section (and a route group) or list it in openPaths")
                    continue
                }
                let path = path(&route, target: try target.requireID())
                switch access {
                case .open:
                    // Open routes answer a visitor themselves (a page, a redirect, an invalid link) — never a crash.
                    let response = try await send(route.method, path, with: visitor)
                    #expect(response.status.code < 500, "\(route.description) visitor")
                case .staff(let required):
                    for (role, browser) in staffBrowsers {
                        // Medarbetare's actions on the target: keep the target enabled between roles.
                        try await StaffMember.query(on: context.app.db).filter(\.$id == target.requireID()).set(\.$isDisabled, to: false).update()
                        let response = try await send(route.method, path, with: browser)
                        let isAllowed = required.map(role.permits) ?? true
                        if isAllowed {
                            #expect(!isStaffLoginRedirect(response), "\(role) → \(route.description): \(response.status)")
                            if route.hasRealParameters {
                                #expect(response.status != .notFound, "\(role) → \(route.description)")
                            }
                        } else {
                            #expect(response.status == .notFound, "\(role) → \(route.description): \(response.status)")
                        }
                    }
                    let waiting = try await send(route.method, path, with: pending)
                    #expect(waiting.headers.first(name: .location) == SitePath.staffSecondFactor.path, "pending → \(route.description)")
                    for (who, browser) in [("customer", customerBrowser), ("visitor", visitor)] {
                        let response = try await send(route.method, path, with: browser)
                        #expect(isStaffLoginRedirect(response), "\(who) → \(route.description): \(response.status)")
                    }
                    checked += 1
                }
            }
            #expect(checked >= 8)
            // The customer's session was never touched by any of it.
            #expect(try await customerBrowser.get(SitePath.customerArea.path).status == .ok)
        }
    }

    @Test("The declared access of the known routes")
    func table() {
        #expect(Self.expectedAccess(["personal"]) == .staff(nil))
        #expect(Self.expectedAccess(["personal", "logga-in", "kod"]) == .open)
        #expect(Self.expectedAccess(["personal", "losenord", ":token"]) == .open)
        #expect(Self.expectedAccess(["personal", "medarbetare", ":id", "inaktivera"]) == .staff(.admin))
        #expect(Self.expectedAccess(["personal", "granskningslogg"]) == .staff(.admin))
        #expect(Self.expectedAccess(["personal", "kunder", ":id"]) == .staff(.support))
        #expect(Self.expectedAccess(["personal", "guider"]) == .staff(.editor))
        // Mitt konto and its forms: every staff member; the passkey login: open, as the login is.
        #expect(Self.expectedAccess(["personal", "mitt-konto"]) == .staff(nil))
        #expect(Self.expectedAccess(["personal", "mitt-konto", "losenord"]) == .staff(nil))
        #expect(Self.expectedAccess(["personal", "mitt-konto", "losennycklar", "alternativ"]) == .staff(nil))
        #expect(Self.expectedAccess(["personal", "mitt-konto", "losennycklar", ":id", "ta-bort"]) == .staff(nil))
        #expect(Self.expectedAccess(["personal", "logga-in", "losennyckel"]) == .open)
        #expect(Self.expectedAccess(["personal", "logga-in", "losennyckel", "alternativ"]) == .open)
    }
}
